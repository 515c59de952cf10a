// Draw each chart from the JSON spec beside it when it nears the viewport, loading plotly.js
// (large) only then, so it never delays the first paint. The data table next to each chart is its text alternative, so the chart itself is
// hidden from assistive technology and drawn without focusable controls.
(function () {
  "use strict";

  var SCRIPT = document.currentScript;
  var PLOTLY_SRC = SCRIPT && SCRIPT.dataset.plotly;
  var CHARTS_SRC = SCRIPT && SCRIPT.dataset.charts;
  var plotlyLoading = null;
  var specsLoading = null;

  // The page's chart specs live in one JSON file beside it, fetched with the first chart.
  function loadSpecs() {
    if (!specsLoading) {
      specsLoading = fetch(CHARTS_SRC).then(function (response) {
        if (!response.ok) throw new Error("chart data: HTTP " + response.status);
        return response.json();
      });
    }
    return specsLoading;
  }

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = PLOTLY_SRC;
        script.async = true;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  var TRACE = {
    type: "scatter",
    mode: "lines+markers",
    line: { width: 14 },
    marker: { size: 16 },
    showlegend: false,
  };
  var LAYOUT = {
    margin: { l: 10, r: 20, t: 10, b: 50 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, sans-serif", size: 14 },
    showlegend: false,
    xaxis: { zeroline: false, automargin: true },
    yaxis: { automargin: true, autorange: "reversed", fixedrange: true },
  };

  // Deep merge of plain objects; arrays and scalars of `extra` win.
  function merge(base, extra) {
    var out = Object.assign({}, base);
    Object.keys(extra).forEach(function (key) {
      var a = base[key], b = extra[key];
      out[key] = a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(b)
        ? merge(a, b) : b;
    });
    return out;
  }

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
    el.dataset.drawn = "1";
    Promise.all([loadSpecs(), loadPlotly()]).then(function (loaded) {
      var spec = loaded[0][el.dataset.chart];
      if (spec) plot(el, spec);
    });
  }

  // On narrow screens long row labels would squeeze the plot to nothing: each label goes
  // above its row instead of beside it.
  function fitToWidth(el, layout, data) {
    var width = el.clientWidth;
    if (width >= 560) return layout;
    var rows = [];
    data.forEach(function (trace) {
      trace.y.forEach(function (y) { if (y !== null && rows.indexOf(y) < 0) rows.push(y); });
    });
    var perLine = Math.max(16, Math.floor((width - 24) / 6.6));
    var lines = rows.map(function (row) { return wrap(row, perLine); });
    var extra = lines.reduce(function (sum, l) { return sum + l.length; }, 0) * 14;
    return merge(layout, {
      height: layout.height + extra,
      margin: { l: 8, r: 12, t: 40 },
      yaxis: { showticklabels: false },
      annotations: rows.map(function (row, i) {
        return {
          x: 0, xref: "paper", xanchor: "left", y: row, yref: "y", yanchor: "bottom",
          yshift: 10, align: "left", text: lines[i].join("<br>"), showarrow: false,
          font: { size: 12 },
        };
      }),
    });
  }

  // Break `text` (already HTML-escaped by the build) into lines of at most `size` characters.
  function wrap(text, size) {
    var lines = [""];
    text.split(" ").forEach(function (word) {
      var last = lines[lines.length - 1];
      if (last && (last + " " + word).length > size) lines.push(word);
      else lines[lines.length - 1] = last ? last + " " + word : word;
    });
    return lines;
  }

  function plot(el, spec) {
    // The unit comes HTML-escaped from the build: Plotly renders tags in hover labels.
    var hover = "%{y}: %{x:,} " + spec.unit + "<extra></extra>";
    var data = spec.data.map(function (trace) {
      return merge(merge(TRACE, { hovertemplate: hover }), trace);
    });
    var layout = fitToWidth(el, merge(LAYOUT, spec.layout), data);
    window.Plotly.newPlot(el, data, themed(layout), {
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
