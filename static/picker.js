// The technology picker: compares 2 to 4 technologies side by side in the browser, from the
// site's JSON export (api/picker.json, the part of api/site.json it needs), without a server.
// The form works without this script (it submits ?compare=a&compare=b); with it, the
// selection is read from the address on load and written back with history.replaceState, so
// a comparison can be shared as a link.
// Content is untrusted: every string reaches the page as a text node, never as HTML, and maps
// keyed by data are made without a prototype (a slug such as `__proto__` stays a plain key).
(function () {
  "use strict";

  var MIN = 2;
  var MAX = 4;
  var GROUPS = [
    ["performance", "Performance"],
    ["community", "Community"],
    ["cost", "Cost"],
  ];
  var MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
  ];

  var form = document.querySelector("form[data-picker]");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var section = form.closest(".picker") || form.parentNode;
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="compare"]'));
  var message = form.querySelector(".picker-message");
  var result = section.querySelector(".picker-result");
  var root = form.getAttribute("data-root") || "/";
  var loading = null;
  var touched = false; // no hint before the reader has picked anything

  // --- building DOM from data (text only) -----------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "class") node.className = value;
      else node.setAttribute(name, String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function hidden(text) {
    return el("span", { class: "visually-hidden" }, [text]);
  }

  // Links from data: only http(s) addresses leave the site, only plain paths stay on it.
  function externalUrl(value) {
    return typeof value === "string" && /^https?:\/\/[^\s<>"]+$/i.test(value) ? value : null;
  }

  function pageUrl(path, fragment) {
    if (typeof path !== "string" || !/^[a-z0-9][a-z0-9\/-]*$/.test(path)) return null;
    return root + path + (fragment ? "#" + fragment : "");
  }

  function humanDate(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!match) return iso;
    return Number(match[3]) + " " + MONTHS[Number(match[2]) - 1] + " " + match[1];
  }

  function hostOf(url) {
    try {
      return new URL(url).hostname.replace(/^www\./, "");
    } catch (error) {
      return "source";
    }
  }

  function listNames(names) {
    if (names.length <= 1) return names.join("");
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  // --- the data ----------------------------------------------------------------------------

  function loadData() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-export"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (data) {
          var technologies = Object.create(null);
          (data.technologies || []).forEach(function (tech) { technologies[tech.slug] = tech; });
          return {
            technologies: technologies,
            metrics: data.metrics || [],
            comparisons: data.comparisons || [],
          };
        });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function figuresOf(tech) {
    var figures = (tech.benchmarks || []).slice();
    if (tech.community) figures = figures.concat(tech.community.figures || []);
    if (tech.pricing && tech.pricing.total_cost) figures.push(tech.pricing.total_cost);
    return figures;
  }

  // The same rule as the comparison pages (pages.best_figures): compare the middle of each
  // range, and only when every technology gives exactly one figure for the metric.
  function bestOf(figuresBySlug, better) {
    var slugs = Object.keys(figuresBySlug);
    if (better !== "higher" && better !== "lower") return {};
    if (slugs.length < 2 || slugs.some(function (s) { return figuresBySlug[s].length !== 1; })) {
      return {};
    }
    var middles = slugs.map(function (slug) {
      var figure = figuresBySlug[slug][0];
      var low = figure.value !== null ? figure.value : figure.min;
      var high = figure.value !== null ? figure.value : figure.max;
      return (low + high) / 2;
    });
    var best = better === "higher" ? Math.max.apply(null, middles) : Math.min.apply(null, middles);
    if (middles.every(function (m) { return m === best; })) return {};
    var flags = Object.create(null);
    slugs.forEach(function (slug, i) { if (middles[i] === best) flags[slug] = true; });
    return flags;
  }

  // --- the table ---------------------------------------------------------------------------

  function textRow(label, techs, valueOf) {
    return el("tr", null, [el("th", { scope: "row" }, [label])].concat(techs.map(function (tech) {
      var value = valueOf(tech);
      return el("td", { "data-label": tech.name }, [typeof value === "string" ? value : "—"].concat(
        typeof value === "string" ? [] : [hidden("not given")]
      ));
    })));
  }

  function figureBlock(figure, tech, metric, isBest) {
    var source = externalUrl(figure.source);
    var meta = [figure.as_of
      ? el("span", null, ["As of ", el("time", { datetime: figure.as_of }, [humanDate(figure.as_of)])])
      : "No date given"];
    meta.push(" · ");
    meta.push(source
      ? el("a", { href: source, rel: "noopener" }, [
        hostOf(source), hidden(" (source of " + tech.name + ", " + metric.label + ")"),
      ])
      : "no source given");
    return el("div", { class: "figure" }, [
      isBest ? el("span", { class: "best-badge", "aria-hidden": "true" }, ["Best"]) : null,
      el("span", { class: "figure-value" }, [String(figure.text)]),
      isBest ? hidden(" (best)") : null,
      figure.subject ? el("span", { class: "figure-subject" }, [figure.subject]) : null,
      el("span", { class: "figure-source" }, meta),
    ]);
  }

  function metricRow(metric, techs, figures) {
    var best = bestOf(
      techs.reduce(function (found, tech) {
        if (figures[tech.slug].length) found[tech.slug] = figures[tech.slug];
        return found;
      }, Object.create(null)),
      metric.better
    );
    var note = metric.unit + (metric.better === "neither" ? "" : " · " + metric.better + " is better");
    var header = el("th", { scope: "row" }, [metric.label, el("span", { class: "row-note" }, [note])]);
    return el("tr", null, [header].concat(techs.map(function (tech) {
      var own = figures[tech.slug];
      if (!own.length) {
        return el("td", { "data-label": tech.name, class: "picker-none" }, ["No figure"]);
      }
      var isBest = best[tech.slug] === true;
      return el("td", { "data-label": tech.name, class: isBest ? "best" : null },
        own.map(function (figure) { return figureBlock(figure, tech, metric, isBest); }));
    })));
  }

  function groupBody(title, columns, rows) {
    var heading = el("tr", { class: "picker-group" }, [
      el("th", { scope: "rowgroup", colspan: columns }, [title]),
    ]);
    return el("tbody", null, [heading].concat(rows));
  }

  function buildTable(data, techs) {
    var names = techs.map(function (tech) { return tech.name; });
    var columns = techs.length + 1;
    var head = el("thead", null, [el("tr", null, [el("td")].concat(techs.map(function (tech, i) {
      var href = pageUrl(tech.path);
      return el("th", { scope: "col" }, [
        el("span", { class: "swatch tc-" + (i + 1), "aria-hidden": "true" }),
        href ? el("a", { href: href }, [tech.name]) : tech.name,
      ]);
    })))]);
    var overview = [
      textRow("Kind", techs, function (t) { return t.kind; }),
      textRow("Summary", techs, function (t) { return t.summary; }),
      textRow("Best for", techs, function (t) { return t.best_for; }),
      textRow("Licence", techs, function (t) { return t.license || "None (open standard)"; }),
      textRow("Pricing model", techs, function (t) { return t.pricing ? t.pricing.model : null; }),
      el("tr", null, [el("th", { scope: "row" }, ["Strengths and weaknesses"])].concat(
        techs.map(function (tech) {
          var text = plural((tech.pros || []).length, "strength", "strengths") + ", " +
            plural((tech.cons || []).length, "weakness", "weaknesses");
          var href = pageUrl(tech.path, "h-pros");
          return el("td", { "data-label": tech.name }, [
            href ? el("a", { href: href }, [text, hidden(" of " + tech.name)]) : text,
          ]);
        })
      )),
    ];
    var table = el("table", { class: "picker-table", id: "picker-table" }, [
      el("caption", { id: "picker-caption" }, [listNames(names) + " side by side"]),
      head,
      groupBody("At a glance", columns, overview),
    ]);
    var figures = Object.create(null);
    techs.forEach(function (tech) {
      figures[tech.slug] = Object.create(null);
      figuresOf(tech).forEach(function (figure) {
        (figures[tech.slug][figure.metric] = figures[tech.slug][figure.metric] || []).push(figure);
      });
    });
    GROUPS.forEach(function (group) {
      var rows = data.metrics.filter(function (metric) {
        return metric.group === group[0] && techs.some(function (tech) {
          return figures[tech.slug][metric.slug];
        });
      }).map(function (metric) {
        var byTech = Object.create(null);
        techs.forEach(function (tech) { byTech[tech.slug] = figures[tech.slug][metric.slug] || []; });
        return metricRow(metric, techs, byTech);
      });
      if (rows.length) table.appendChild(groupBody(group[1], columns, rows));
    });
    return table;
  }

  function render(data, slugs) {
    var techs = slugs.map(function (slug) { return data.technologies[slug]; }).filter(Boolean);
    result.textContent = "";
    if (techs.length < MIN) {
      result.appendChild(el("p", { class: "picker-error" }, [
        "These technologies are not in the site's data any more.",
      ]));
      return;
    }
    var wrap = el("div", {
      class: "picker-table-wrap", role: "region", "aria-labelledby": "picker-caption", tabindex: "0",
    }, [buildTable(data, techs)]);
    var after = [el("a", { href: location.href }, ["Link to this comparison"])];
    data.comparisons.forEach(function (comparison) {
      var covers = slugs.every(function (slug) {
        return (comparison.technologies || []).indexOf(slug) !== -1;
      });
      var href = pageUrl(comparison.path);
      if (covers && href) {
        after.push(" · Written comparison: ");
        after.push(el("a", { href: href }, [comparison.title]));
      }
    });
    result.appendChild(wrap);
    result.appendChild(el("p", { class: "picker-after" }, after));
  }

  // --- the form ----------------------------------------------------------------------------

  function selected() {
    return boxes.filter(function (box) { return box.checked; }).map(function (box) {
      return box.value;
    });
  }

  function update() {
    var count = selected().length;
    boxes.forEach(function (box) { box.disabled = !box.checked && count >= MAX; });
    if (count >= MAX) {
      message.textContent = MAX + " is the most: clear one to pick another.";
    } else if (count < MIN && touched) {
      message.textContent = count === 0
        ? "Pick at least 2 technologies."
        : "Pick at least 1 more technology.";
    } else {
      message.textContent = "";
    }
  }

  function showSelection(slugs, replaceAddress) {
    if (replaceAddress) {
      var params = new URLSearchParams(location.search);
      params.delete("compare");
      slugs.forEach(function (slug) { params.append("compare", slug); });
      history.replaceState(history.state, "", location.pathname + "?" + params.toString() + "#picker");
    }
    result.setAttribute("aria-busy", "true");
    return loadData().then(
      function (data) { render(data, slugs); },
      function () {
        result.textContent = "";
        result.appendChild(el("p", { class: "picker-error" }, [
          "The data for the comparison could not be loaded. Serve the site over HTTP, or " +
          "try again later.",
        ]));
      }
    ).then(function () { result.removeAttribute("aria-busy"); });
  }

  function restoreFromAddress() {
    var wanted = new URLSearchParams(location.search).getAll("compare");
    if (!wanted.length) return;
    touched = true;
    var known = Object.create(null);
    boxes.forEach(function (box) { known[box.value] = box; });
    var slugs = [];
    wanted.forEach(function (slug) {
      if (known[slug] && slugs.indexOf(slug) === -1 && slugs.length < MAX) slugs.push(slug);
    });
    boxes.forEach(function (box) { box.checked = slugs.indexOf(box.value) !== -1; });
    update();
    var ordered = selected();
    if (ordered.length >= MIN) showSelection(ordered, false);
  }

  form.addEventListener("change", function () {
    touched = true;
    update();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    touched = true;
    var slugs = selected();
    if (slugs.length < MIN) {
      update();
      result.textContent = "";
      return;
    }
    showSelection(slugs, true);
  });
  // Enter on a checkbox compares, as it would in a text field.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.type === "checkbox") {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  restoreFromAddress();
  update();
})();
