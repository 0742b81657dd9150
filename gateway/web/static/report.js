/* The monthly report's charts (gateway/web/report.py, report_charts.py): each figure holds its
   spec as JSON (<script type="application/json" class="chart-spec">) and is drawn with the
   vendored Apache ECharts, SVG renderer (its text stays text in the PDF), without animation,
   once the Sarabun web font has loaded. When every chart is drawn (or there is nothing to draw
   with), <body data-ready="true">: the PDF renderer prints then. The tables beside the charts
   hold the same numbers. */
(function () {
  'use strict';

  var FONT = 'Sarabun, "Noto Sans Thai", Laksaman, sans-serif';
  var COLORS = ['#0b5e55', '#d97706', '#2563eb', '#9333ea', '#be123c', '#4d7c0f', '#0e7490'];
  var WIDTH = 640;  // px: 169 mm, within A4's margins (report-print.css)
  var report = document.querySelector('.report');
  var thai = report && report.getAttribute('data-digits') === 'thai';
  var lang = document.documentElement.lang || 'th';
  var numbers = new Intl.NumberFormat(thai ? 'th-TH-u-nu-thai' : (lang === 'th' ? 'th-TH' : 'en-GB'),
    { maximumFractionDigits: 1 });
  var THAI = '๐๑๒๓๔๕๖๗๘๙';

  function digits(text) {
    return thai ? String(text).replace(/[0-9]/g, function (d) { return THAI.charAt(Number(d)); }) : String(text);
  }

  function shown(value, percent) {
    if (value === null || value === undefined) return '—';
    return numbers.format(value) + (percent ? '%' : '');
  }

  function ready() { document.body.setAttribute('data-ready', 'true'); }

  function fontReady() {
    if (!document.fonts || !document.fonts.load) return Promise.resolve();
    // the Thai face has a unicode-range of its own: ask for it with Thai text
    return Promise.all([
      document.fonts.load('16px Sarabun', 'ภาษาไทย'),
      document.fonts.load('16px Sarabun', 'Aa1'),
      document.fonts.load('bold 16px Sarabun', 'ภาษาไทย')
    ]).catch(function () { /* draw with the fallback font */ });
  }

  // Plain text labels: no stroke around them (a stroked label becomes outlines in the PDF, not text)
  function label(extra) {
    var out = { fontFamily: FONT, textBorderWidth: 0, textBorderColor: 'transparent', color: '#1f2933' };
    for (var key in extra) out[key] = extra[key];
    return out;
  }

  function lines(text) { return String(text).split('\n').length; }

  function barsOption(spec) {
    var max = spec.percent ? function (extent) { return Math.max(spec.goal ? spec.goal.value : 0, extent.max); } : null;
    return {
      textStyle: { fontFamily: FONT }, color: COLORS, animation: false,
      grid: { left: 8, right: 64, top: spec.goal && spec.goal.label ? 28 : 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: max, minInterval: spec.percent ? 0 : 1,
        axisLabel: label({ hideOverlap: true, formatter: function (v) { return shown(v, spec.percent); } }) },
      yAxis: { type: 'category', inverse: true, data: spec.categories.map(digits),
        axisLabel: label({ fontSize: 13, lineHeight: 16, interval: 0 }) },
      series: spec.series.map(function (one) {
        return {
          type: 'bar', name: one.name, data: one.values, barMaxWidth: 22,
          label: label({ show: true, position: 'right', formatter: function (p) { return shown(p.value, spec.percent); } }),
          markLine: spec.goal ? {
            symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#a4161a' },
            // the category axis runs downwards: the line's start is at the top, above the first bar
            label: label({ show: !!spec.goal.label, formatter: digits(spec.goal.label || ''), position: 'start',
              color: '#a4161a' }),
            data: [{ xAxis: spec.goal.value }]
          } : undefined
        };
      })
    };
  }

  function barsHeight(spec) {
    var rows = spec.categories.reduce(function (sum, c) { return sum + lines(c); }, 0);
    return Math.max(120, 48 + spec.categories.length * 10 + rows * 17);
  }

  function linesOption(spec) {
    return {
      textStyle: { fontFamily: FONT }, color: COLORS, animation: false,
      grid: { left: 8, right: 24, top: 96, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, itemGap: 12, textStyle: label({ fontSize: 12 }) },
      xAxis: { type: 'category', data: spec.categories.map(digits), boundaryGap: false,
        axisLabel: label({ interval: 0, rotate: spec.categories.length > 6 ? 45 : 0, fontSize: 12 }) },
      // at least 0-1%: a young register's tiny shares get ticks that one decimal tells apart
      yAxis: { type: 'value', min: 0, max: function (extent) { return Math.max(1, Math.ceil(extent.max)); },
        axisLabel: label({ formatter: function (v) { return shown(v, true); } }) },
      series: spec.series.map(function (one) {
        return { type: 'line', name: digits(one.name), data: one.values, symbolSize: 5 };
      })
    };
  }

  function mapOption(spec) {
    var values = spec.areas.map(function (a) { return a.value === null || a.value === undefined ? null : a.value; });
    var top = values.reduce(function (m, v) { return v !== null && v > m ? v : m; }, 0);
    var max = Math.max(100, Math.ceil(top));
    return {
      textStyle: { fontFamily: FONT }, animation: false,
      visualMap: {
        type: 'continuous', min: 0, max: max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0,
        itemWidth: 12, itemHeight: 200, text: [shown(max, true), shown(0, true)], textStyle: label({}),
        inRange: { color: ['#e6f2ef', '#7cc0b0', '#0b5e55'] }, outOfRange: { color: '#d5dbe0' }
      },
      series: [{
        type: 'map', map: 'report-provinces', nameProperty: 'code', roam: false, selectedMode: false, silent: true,
        top: 8, bottom: 48, left: 'center', label: { show: false },
        itemStyle: { borderColor: '#fff', borderWidth: 0.5 },
        data: spec.areas.map(function (a, i) { return { name: a.code, value: values[i] === null ? '-' : values[i] }; })
      }]
    };
  }

  function draw(figure) {
    var spec;
    try { spec = JSON.parse(figure.querySelector('.chart-spec').textContent); } catch (e) { return; }
    var canvas = figure.querySelector('.report-canvas');
    var height = spec.kind === 'bars' ? barsHeight(spec) : spec.kind === 'map' ? 720 : 420;
    var chart = echarts.init(canvas, null, { renderer: 'svg', width: WIDTH, height: height });
    if (spec.kind === 'map') {
      echarts.registerMap('report-provinces', spec.geo);
      chart.setOption(mapOption(spec));
    } else {
      chart.setOption(spec.kind === 'bars' ? barsOption(spec) : linesOption(spec));
    }
    figure.setAttribute('data-drawn', 'true');
  }

  function start() {
    if (!window.echarts) { ready(); return; }  // the tables stand alone
    document.documentElement.classList.add('charts-on');
    fontReady().then(function () {
      Array.prototype.forEach.call(document.querySelectorAll('.report-chart[data-chart]'), function (figure) {
        try { draw(figure); } catch (e) { figure.classList.add('chart-failed'); }
      });
      ready();  // setOption draws at once (no lazy update, no animation)
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
