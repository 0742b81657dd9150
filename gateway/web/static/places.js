// The province -> district -> subdistrict cascade: a change refills the next list from
// /web/places. Without this script the form still works: the lists follow the choices when
// the form is shown again, and the service checks the codes on submit.
(function () {
  "use strict";
  function fill(select, places, lang, keep) {
    var blank = select.options.length && select.options[0].value === "" ? select.options[0] : null;
    select.textContent = "";
    if (blank) select.appendChild(blank);
    places.sort(function (a, b) { return a[lang].localeCompare(b[lang], lang); });
    places.forEach(function (place) {
      var option = document.createElement("option");
      option.value = place.code;
      option.textContent = place[lang];
      if (place.code === keep) option.selected = true;
      select.appendChild(option);
    });
  }
  function clear(select) {
    while (select && select.options.length > 1) select.remove(1);
    if (select) select.value = "";
  }
  function init(box) {
    var url = box.getAttribute("data-places"), lang = box.getAttribute("data-lang") || "th";
    var province = box.querySelector("[name=province]"), district = box.querySelector("[name=district]"),
        subdistrict = box.querySelector("[name=subdistrict]");
    function load(param, value, target, key) {
      if (!value) { clear(target); return; }
      fetch(url + "?" + param + "=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) { fill(target, data[key] || [], lang, target.value); })
        .catch(function () { /* the lists stay as they are; submitting still checks the codes */ });
    }
    province.addEventListener("change", function () {
      clear(subdistrict);
      load("province", province.value, district, "districts");
    });
    district.addEventListener("change", function () { load("district", district.value, subdistrict, "subdistricts"); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-places]");
    for (var i = 0; i < boxes.length; i++) init(boxes[i]);
  });
})();
