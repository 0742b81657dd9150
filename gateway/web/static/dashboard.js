/* The dashboards' charts (gateway/web/dashboard.py): each .chart holds its spec as JSON
   (<script type="application/json" class="chart-spec">, made by dashboard_charts.py) and is
   drawn with the vendored Apache ECharts, SVG renderer, once the Sarabun web font has loaded
   (labels are measured with the font they are drawn in). Labels arrive broken into lines at
   word boundaries by the server. The table under each chart holds the same numbers; without
   this script (or ECharts) the tables are the dashboard. */
(function () {
  'use strict';

  var FONT = 'Sarabun, "Noto Sans Thai", Tahoma, sans-serif';
  var COLORS = ['#0b5e55', '#d97706', '#2563eb', '#9333ea', '#be123c', '#4d7c0f', '#0e7490'];
  var lang = document.documentElement.lang || 'th';
  var numbers = new Intl.NumberFormat(lang === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: 1 });
  var texts = readJson(document.getElementById('dashboard-texts')) || {};
  var geoLoads = {};

  function readJson(element) {
    if (!element) return null;
    try { return JSON.parse(element.textContent); } catch (e) { return null; }
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function shown(value, percent) {
    if (value === null || value === undefined) return texts.none || '—';
    return numbers.format(value) + (percent ? '%' : '');
  }

  function fontReady() {
    if (!document.fonts || !document.fonts.load) return Promise.resolve();
    // the Thai face has a unicode-range of its own: ask for it with Thai text
    return Promise.all([
      document.fonts.load('16px Sarabun', 'ภาษาไทย'),
      document.fonts.load('16px Sarabun', 'Aa1'),
      document.fonts.load('bold 16px Sarabun', 'ภาษาไทย')
    ]).catch(function () { /* draw with the fallback font */ });
  }

  function control(box, name) {
    var select = box.querySelector('select[data-control="' + name + '"]');
    return select ? select.value : null;
  }

  function chosen(spec, box) {
    var index = control(box, 'series');
    var one = spec.series[index === null ? 0 : Number(index)] || spec.series[0];
    var measure = control(box, 'measure') || 'values';
    return { series: one, percent: measure === 'shares' || !!spec.percent, values: one[measure] || one.values };
  }

  function lineCount(label) { return String(label).split('\n').length; }

  function go(href) { if (href) window.location.assign(href); }

  /* A pick: on a touch screen the first tap shows the figure (and a link), a second opens it. */
  function picker(box, items, valueOf) {
    var note = box.querySelector('.chart-pick');
    var picked = -1;
    return function (index, nativeEvent) {
      var item = items[index];
      if (!item) return;
      var touch = !!nativeEvent && (nativeEvent.pointerType ? nativeEvent.pointerType !== 'mouse'
        : /^touch/.test(nativeEvent.type || ''));
      if (!touch || picked === index) { go(item.href); return; }
      picked = index;
      if (!note) return;
      note.hidden = false;
      note.textContent = item.name + ': ' + valueOf(index) + ' ';
      if (item.href) {
        var link = document.createElement('a');
        link.href = item.href;
        link.textContent = (texts.open || '{name}').replace('{name}', item.name);
        note.appendChild(link);
      }
    };
  }

  function barsOption(spec, box) {
    var now = chosen(spec, box);
    var categories = spec.categories.map(function (c) { return c.label; });
    var stacked = !!spec.stack;
    var series = stacked ? spec.series : [now.series];
    var option = {
      textStyle: { fontFamily: FONT },
      color: COLORS,
      animation: false,
      grid: { left: 8, right: 48, top: stacked ? 12 + spec.series.length * 22 : (spec.goal ? 24 : 8), bottom: 24 },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true,
        formatter: function (points) {
          var name = spec.categories[points[0].dataIndex].name;
          return escapeHtml(name) + points.map(function (p) {
            return '<br>' + p.marker + escapeHtml(p.seriesName) + ': ' + escapeHtml(shown(p.value, now.percent));
          }).join('');
        }
      },
      legend: stacked ? { top: 0, left: 0, orient: 'vertical', itemGap: 6, textStyle: { fontFamily: FONT } }
        : { show: false },
      xAxis: { type: 'value', axisLabel: { fontFamily: FONT, hideOverlap: true,
        formatter: function (v) { return shown(v, now.percent); } } },
      yAxis: { type: 'category', inverse: true, data: categories, triggerEvent: true,
        axisLabel: { fontFamily: FONT, fontSize: 12, lineHeight: 15, interval: 0 } },
      series: series.map(function (one) {
        var values = stacked ? one.values : now.values;
        return {
          type: 'bar', name: one.name, stack: stacked ? 'all' : undefined, data: values, barMaxWidth: 28,
          cursor: spec.categories.some(function (c) { return c.href; }) ? 'pointer' : 'default',
          label: { show: !stacked, position: 'right', fontFamily: FONT,
            formatter: function (p) { return shown(p.value, now.percent); } },
          markLine: spec.goal && !stacked ? {
            symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#a4161a' },
            label: { formatter: spec.goal.label, fontFamily: FONT, position: 'start', color: '#a4161a' },
            data: [{ xAxis: spec.goal.value }]
          } : undefined
        };
      })
    };
    if (now.percent && spec.goal) option.xAxis.max = function (extent) { return Math.max(100, extent.max); };
    return option;
  }

  function barsHeight(spec) {
    var rows = spec.categories.reduce(function (sum, c) { return sum + Math.max(lineCount(c.label), 1); }, 0);
    var above = spec.stack ? 12 + spec.series.length * 22 : (spec.goal ? 24 : 8);
    return Math.max(160, 32 + above + spec.categories.length * 14 + rows * 16);
  }

  function lineOption(spec, box) {
    var now = chosen(spec, box);
    var target = now.percent ? 100 : now.series.target;
    var top = now.values.reduce(function (m, v) { return v > m ? v : m; }, 0);
    // a target far above the figures would flatten them: then it is said above the chart
    var drawTarget = target && target <= Math.max(top, 1) * 1.5;
    var targetText = spec.target_label + ' ' + shown(target, now.percent);
    return {
      textStyle: { fontFamily: FONT },
      color: COLORS,
      animation: false,
      title: target && !drawTarget ? { text: targetText, left: 0, top: 0,
        textStyle: { fontFamily: FONT, fontSize: 13, fontWeight: 'normal', color: '#a4161a' } } : undefined,
      grid: { left: 8, right: 16, top: 32, bottom: 24 },
      tooltip: { trigger: 'axis', confine: true, valueFormatter: function (v) { return shown(v, now.percent); } },
      xAxis: { type: 'category', data: spec.categories, boundaryGap: false,
        axisLabel: { fontFamily: FONT, hideOverlap: true } },
      yAxis: { type: 'value', minInterval: now.percent ? 0 : 1,
        axisLabel: { fontFamily: FONT, formatter: function (v) { return shown(v, now.percent); } },
        max: drawTarget ? function (extent) { return Math.max(extent.max, target); } : null },
      series: [{
        type: 'line', name: now.series.name, data: now.values, symbolSize: 6,
        markLine: drawTarget ? { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#a4161a' },
          label: { position: 'insideEndTop', fontFamily: FONT, formatter: targetText },
          data: [{ yAxis: target }] } : undefined
      }]
    };
  }

  function loadGeo(url) {
    if (!geoLoads[url]) {
      geoLoads[url] = fetch(url, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error('map ' + r.status);
        return r.json();
      });
    }
    return geoLoads[url];
  }

  function mapName(spec, geo) {
    var name = 'th-' + (spec.region || 'all');
    if (!echarts.getMap(name)) {
      var codes = {};
      spec.areas.forEach(function (a) { codes[a.code] = true; });
      echarts.registerMap(name, { type: 'FeatureCollection', features: geo.features.filter(function (f) {
        return codes[f.properties.code];
      }) });
    }
    return name;
  }

  function mapOption(spec, box, name) {
    var now = chosen(spec, box);
    var values = now.values.map(function (v) { return v === null || v === undefined ? null : v; });
    var top = values.reduce(function (m, v) { return v !== null && v > m ? v : m; }, 0);
    var max = now.percent ? Math.max(100, Math.ceil(top)) : Math.max(1, top);
    return {
      textStyle: { fontFamily: FONT },
      animation: false,
      tooltip: {
        trigger: 'item', confine: true,
        formatter: function (p) {
          var area = spec.areas[p.dataIndex];
          if (!area) return '';
          return escapeHtml(area.name) + '<br>' + escapeHtml(now.series.name) + ': ' +
            escapeHtml(shown(values[p.dataIndex], now.percent));
        }
      },
      visualMap: {
        type: 'continuous', min: 0, max: max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0,
        itemWidth: 12, itemHeight: 160, text: [shown(max, now.percent), shown(0, now.percent)],
        textStyle: { fontFamily: FONT }, inRange: { color: ['#e6f2ef', '#7cc0b0', '#0b5e55'] },
        outOfRange: { color: '#d5dbe0' }
      },
      series: [{
        type: 'map', map: name, nameProperty: 'code', roam: false, selectedMode: false,
        top: 8, bottom: 56, left: 'center', cursor: 'pointer',
        label: { show: false }, emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffbf47' } },
        itemStyle: { borderColor: '#fff', borderWidth: 0.6, areaColor: '#d5dbe0' },  // grey: no figure
        data: spec.areas.map(function (a, i) { return { name: a.code, value: values[i] === null ? '-' : values[i] }; })
      }]
    };
  }

  function indexOf(spec, params) {
    if (params.componentType === 'yAxis') {
      for (var i = 0; i < spec.categories.length; i++) if (spec.categories[i].label === params.value) return i;
      return -1;
    }
    return params.dataIndex;
  }

  function draw(box) {
    var spec = readJson(box.querySelector('.chart-spec'));
    var canvas = box.querySelector('.chart-canvas');
    if (!spec || !canvas) return;
    var controls = box.querySelector('.chart-controls');
    if (controls) controls.hidden = false;
    if (spec.kind === 'bars') canvas.style.height = barsHeight(spec) + 'px';
    var chart = echarts.init(canvas, null, { renderer: 'svg' });
    var option;
    var render = function () { chart.setOption(option(), { notMerge: true }); };
    if (spec.kind === 'bars') {
      option = function () { return barsOption(spec, box); };
      var pickBar = picker(box, spec.categories, function (i) { var now = chosen(spec, box); return shown(now.values[i], now.percent); });
      chart.on('click', function (params) {
        if (!spec.categories.some(function (c) { return c.href; })) return;
        pickBar(indexOf(spec, params), params.event && params.event.event);
      });
    } else if (spec.kind === 'line') {
      option = function () { return lineOption(spec, box); };
    } else if (spec.kind === 'map') {
      chart.showLoading({ text: '' });
      var pickArea = picker(box, spec.areas, function (i) { var now = chosen(spec, box); return shown(now.values[i], now.percent); });
      chart.on('click', function (params) { pickArea(params.dataIndex, params.event && params.event.event); });
      loadGeo(spec.geo).then(function (geo) {
        var name = mapName(spec, geo);
        canvas.style.height = Math.min(640, Math.max(360, canvas.clientWidth * 1.5)) + 'px';
        chart.resize();
        chart.hideLoading();
        option = function () { return mapOption(spec, box, name); };
        render();
        box.setAttribute('data-drawn', 'true');
      }).catch(function () { chart.hideLoading(); box.classList.add('chart-failed'); });
    }
    box.addEventListener('change', function (event) {
      if (event.target.matches('select[data-control]') && option) render();
    });
    if (spec.kind !== 'map') { render(); box.setAttribute('data-drawn', 'true'); }
    return chart;
  }

  function start() {
    if (!window.echarts) return;  // the tables stand alone
    document.documentElement.classList.add('charts-on');
    fontReady().then(function () {
      var charts = Array.prototype.map.call(document.querySelectorAll('.chart[data-chart]'), draw);
      var timer = null;
      window.addEventListener('resize', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { charts.forEach(function (c) { if (c) c.resize(); }); }, 150);
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
