// Draw each chart from the JSON spec beside it once plotly.js has loaded, when it nears the
// viewport. The data table next to each chart is its text alternative, so the chart itself is
// hidden from assistive technology and drawn without focusable controls.
(function () {
  "use strict";

  function themed(layout) {
    var style = getComputedStyle(document.documentElement);
    var fg = style.getPropertyValue("--fg-muted").trim() || "#444";
    var grid = style.getPropertyValue("--border").trim() || "#ddd";
    layout.font = Object.assign({}, layout.font, { color: fg });
    layout.xaxis = Object.assign({}, layout.xaxis, { gridcolor: grid, linecolor: grid });
    layout.yaxis = Object.assign({}, layout.yaxis, { gridcolor: grid, linecolor: grid });
    return layout;
  }

  function draw(el) {
    if (el.dataset.drawn) return;
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.Plotly) return;
    var spec = JSON.parse(source.textContent);
    el.dataset.drawn = "1";
    window.Plotly.newPlot(el, spec.data, themed(spec.layout), {
      displayModeBar: false,
      responsive: true,
    }).then(function () {
      el.classList.add("is-drawn");
    });
  }

  function redrawAll() {
    document.querySelectorAll(".chart.is-drawn").forEach(function (el) {
      window.Plotly.relayout(el, themed({ font: el.layout.font, xaxis: el.layout.xaxis, yaxis: el.layout.yaxis }));
    });
  }

  function start() {
    var charts = document.querySelectorAll(".chart[data-chart]");
    if (!("IntersectionObserver" in window)) {
      charts.forEach(draw);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, { rootMargin: "400px 0px" });
    charts.forEach(function (el) { observer.observe(el); });
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    if (scheme.addEventListener) scheme.addEventListener("change", redrawAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
