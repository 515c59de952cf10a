// The search page: runs the query in `?q=` (and whatever is typed) against the Pagefind index
// built with the site, and lists the results as plain links. Only this page loads it.
// Excerpts come from Pagefind as text with <mark> around the matched words; they are rebuilt
// here from text nodes and <mark> elements only, never inserted as HTML.
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 200;
  var HINT = "Type a word or two: a technology, a feature, a concern such as latency or licensing.";

  var form = document.querySelector("form.search-form");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.querySelector(".search-more");

  var loading = null; // the Pagefind module, once asked for
  var ready = false;
  var generation = 0; // bumped by every search, so late answers to old queries are dropped
  var pending = []; // results of the current search not shown yet
  var timer = null;
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  input.value = query;

  // A large site's index comes in shards: the bundle at data-pagefind and the bundles that
  // its shards.json lists, merged here into one search whose results are ranked together.
  function load() {
    if (!loading) {
      var bundle = form.dataset.pagefind;
      var options = { baseUrl: form.dataset.baseUrl, excerptLength: 24 };
      var shards = fetch(bundle + "shards.json").then(function (response) {
        if (!response.ok) throw new Error("shards.json: status " + response.status);
        return response.json();
      });
      loading = Promise.all([import(bundle + "pagefind.js"), shards]).then(async function (both) {
        var pagefind = both[0];
        await pagefind.options(options);
        await pagefind.init();
        await Promise.all(both[1].merge.map(function (path) {
          return pagefind.mergeIndex(bundle + path, options);
        }));
        ready = true;
        return pagefind;
      });
    }
    return loading;
  }

  function say(text) {
    status.textContent = text;
  }

  // Keep the address in step with the query, so a search can be shared or reloaded.
  function remember() {
    var url = window.location.pathname + (query ? "?q=" + encodeURIComponent(query) : "");
    if (url !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", url);
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Excerpt HTML from Pagefind -> a fragment of text nodes and <mark> elements.
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var fragment = document.createDocumentFragment();
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        fragment.appendChild(element("mark", "", node.textContent));
      } else {
        fragment.appendChild(document.createTextNode(node.textContent));
      }
    });
    return fragment;
  }

  function link(text, href) {
    var anchor = element("a", "", text);
    anchor.href = href;
    return anchor;
  }

  function headingLevel(anchor) {
    var match = /^h([1-6])$/i.exec(anchor.element);
    return match ? Number(match[1]) : 0;
  }

  // A section's name with the section it belongs to, so "Overview › GraphQL" and
  // "Pros and cons › GraphQL" are told apart.
  function sectionTitle(sub, anchors) {
    var level = sub.anchor ? headingLevel(sub.anchor) : 0;
    var parent = null;
    if (level > 2) {
      (anchors || []).forEach(function (anchor) {
        var above = headingLevel(anchor);
        if (above >= 2 && above < level && anchor.location <= sub.anchor.location) parent = anchor;
      });
    }
    return parent && parent.text ? parent.text + " › " + sub.title : sub.title;
  }

  function resultItem(data) {
    var title = data.meta.title || data.url;
    var item = element("li", "search-result card");
    if (data.meta.type) item.appendChild(element("p", "search-kind", data.meta.type));
    var heading = element("h2", "search-title");
    heading.appendChild(link(title, data.url));
    item.appendChild(heading);
    var text = element("p", "search-excerpt");
    text.appendChild(excerpt(data.excerpt));
    item.appendChild(text);
    // Sections of the page that match, except the page itself and the section whose excerpt
    // is already shown for the page.
    var sections = (data.sub_results || []).filter(function (sub) {
      return sub.url !== data.url && sub.title !== title && sub.excerpt !== data.excerpt;
    });
    if (sections.length) {
      var subList = element("ul", "search-sections");
      subList.setAttribute("aria-label", "Matching sections of " + title);
      sections.slice(0, 3).forEach(function (sub) {
        var subItem = element("li");
        subItem.appendChild(link(sectionTitle(sub, data.anchors), sub.url));
        var subText = element("p", "search-excerpt");
        subText.appendChild(excerpt(sub.excerpt));
        subItem.appendChild(subText);
        subList.appendChild(subItem);
      });
      item.appendChild(subList);
    }
    return item;
  }

  function showMore(focusFirst) {
    var batch = pending.splice(0, PAGE_SIZE);
    var mine = generation;
    return Promise.all(batch.map(function (result) { return result.data(); })).then(
      function (pages) {
        if (mine !== generation) return;
        var items = pages.map(resultItem);
        items.forEach(function (item) { list.appendChild(item); });
        more.hidden = pending.length === 0;
        if (focusFirst && items.length) items[0].querySelector("a").focus();
      }
    );
  }

  function run() {
    clearTimeout(timer);
    var mine = ++generation;
    remember();
    if (!query) {
      pending = [];
      list.textContent = "";
      more.hidden = true;
      say(HINT);
      return;
    }
    if (!ready) say("Searching…"); // only while the index loads, so it is not read out per key
    load()
      .then(function (pagefind) { return pagefind.search(query); })
      .then(function (search) {
        if (mine !== generation) return;
        pending = search.results.slice();
        list.textContent = "";
        more.hidden = true;
        if (!pending.length) {
          say("No results for “" + query + "”. Try another word, or fewer words.");
          return;
        }
        var count = pending.length === 1 ? "1 result" : pending.length + " results";
        say(count + " for “" + query + "”.");
        return showMore(false);
      })
      .catch(function (error) {
        if (mine !== generation) return;
        if (window.location.protocol === "file:") {
          say("Search needs the site served over HTTP: run a static web server in the site folder.");
        } else {
          say("Search could not load. Reload the page to try again.");
          console.warn("search:", error);
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    query = input.value.trim();
    run();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      query = input.value.trim();
      run();
    }, DEBOUNCE_MS);
  });
  more.addEventListener("click", function () {
    showMore(true);
  });

  run();
  if (!query) load().catch(function () {}); // warm up while the reader types
})();
