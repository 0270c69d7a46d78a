// Kapacitet charts: draws every element with data-chart from the JSON option block it names. The server
// builds the options (go-echarts); this file adds what JSON cannot carry: Danish number formats, aria and
// resizing. No inline script anywhere, so the page's CSP can be script-src 'self'.
(function () {
  'use strict';
  var lang = document.documentElement.lang === 'en' ? 'en-GB' : 'da-DK';
  var fmt = new Intl.NumberFormat(lang);
  function format(v) { return typeof v === 'number' ? fmt.format(v) : v; }

  function draw(el) {
    var src = document.getElementById(el.getAttribute('data-chart'));
    if (!src || !window.echarts) { return; }
    var option;
    try { option = JSON.parse(src.textContent); } catch (e) { return; }
    option.aria = Object.assign({ enabled: true }, option.aria || {});
    // colour is never all that tells series apart: bars of several series get patterns (decals), also on
    // paper in black and white (data-decal asks for them always); lines get their own symbols and dashes
    var series = [].concat(option.series || []);
    var bars = series.filter(function (s) { return s.type === 'bar'; }).length;
    if (el.hasAttribute('data-decal') || bars > 1) { option.aria.decal = { show: true }; }
    var symbols = ['circle', 'rect', 'triangle', 'diamond', 'pin'], dashes = ['solid', 'dashed', 'dotted'];
    series.forEach(function (s, i) {
      if (s.type === 'line') {
        s.symbol = s.symbol || symbols[i % symbols.length];
        s.symbolSize = s.symbolSize || 7;
        s.lineStyle = Object.assign({ type: dashes[i % dashes.length] }, s.lineStyle || {});
      }
    });
    option.tooltip = Object.assign({}, option.tooltip || {}, { valueFormatter: format, renderMode: 'richText' });
    // numbers on value axes in the page's format; names on a lying bar chart's axis wrap within 40 % of
    // the chart's width (a phone's too)
    [].concat(option.xAxis || [], option.yAxis || []).forEach(function (ax, i) {
      var isY = i >= [].concat(option.xAxis || []).length;
      if (ax.type === 'value' || (isY && !ax.type)) {
        ax.axisLabel = Object.assign({}, ax.axisLabel || {}, { formatter: format });
      } else if (isY && ax.type === 'category') {
        ax.axisLabel = Object.assign({}, ax.axisLabel || {}, { width: Math.max(90, Math.min(180, el.clientWidth * 0.4)), overflow: 'break', lineHeight: 14 });
      }
    });
    [].concat(option.visualMap || []).forEach(function (vm) { vm.formatter = function (v) { return format(v); }; });
    // a lying bar chart gets the height its names need
    [].concat(option.yAxis || []).forEach(function (ax) {
      if (ax.type === 'category' && ax.data) { el.style.height = Math.max(320, ax.data.length * 40 + 90) + 'px'; }
    });
    el.innerHTML = '';
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option);
    window.addEventListener('resize', function () { chart.resize(); });
    tools(el, chart);
  }

  var words = lang === 'en-GB' ?
    { png: 'Download image (PNG)', csv: 'Table as CSV', xlsx: 'Table as XLSX' } :
    { png: 'Hent billede (PNG)', csv: 'Tabel som CSV', xlsx: 'Tabel som XLSX' };

  // tools are a chart's downloads: its image (PNG, drawn here) and its table (CSV and XLSX, from the server:
  // the page's own table, ?download=ID.csv); in a report saved as a file only the image
  function tools(el, chart) {
    var box = el.closest('.chart-table');
    var table = document.getElementById(el.id + '-table') || (box && box.querySelector('table'));
    var p = document.createElement('p');
    p.className = 'chart-tools no-print';
    var png = document.createElement('button');
    png.type = 'button';
    png.textContent = words.png;
    png.addEventListener('click', function () {
      var a = document.createElement('a');
      a.href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
      a.download = el.id + '.png';
      a.click();
    });
    p.appendChild(png);
    if (table && table.id && location.protocol !== 'file:') {
      ['csv', 'xlsx'].forEach(function (f) {
        var u = new URL(location.href);
        u.hash = '';
        u.searchParams.set('download', table.id + '.' + f);
        var a = document.createElement('a');
        a.href = u.pathname + u.search;
        a.textContent = words[f];
        a.setAttribute('download', '');
        p.appendChild(a);
      });
    }
    if (box) { box.appendChild(p); } else { el.insertAdjacentElement('afterend', p); }
  }

  // a chart with data-map draws once its map (GeoJSON from this server) is registered
  var maps = {};
  function withMap(el) {
    var url = el.getAttribute('data-map'), name = el.getAttribute('data-map-name');
    if (!maps[url]) {
      maps[url] = fetch(url).then(function (r) { return r.json(); }).then(function (geo) {
        window.echarts.registerMap(name, geo);
      });
    }
    maps[url].then(function () { draw(el); });
  }

  function init() {
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) {
      if (els[i].hasAttribute('data-map')) { if (window.echarts) { withMap(els[i]); } } else { draw(els[i]); }
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
