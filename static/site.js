// Small enhancements for every page; the page reads fine without them.
// - The section navigation marks the section being read (aria-current).
// - Code samples get a copy button.
(function () {
  "use strict";

  function trackSections() {
    var links = {};
    document.querySelectorAll(".toc a[href^='#']").forEach(function (a) {
      links[a.getAttribute("href").slice(1)] = a;
    });
    var sections = Object.keys(links)
      .map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
    if (!sections.length || !("IntersectionObserver" in window)) return;
    var visible = {};
    var current = null;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { visible[entry.target.id] = entry.isIntersecting; });
      // The first section in page order that is on screen is the one being read.
      var active = sections.find(function (section) { return visible[section.id]; });
      if (!active || active === current) return;
      if (current) links[current.id].removeAttribute("aria-current");
      links[active.id].setAttribute("aria-current", "true");
      current = active;
    }, { rootMargin: "-10% 0px -70% 0px" });
    sections.forEach(function (section) { observer.observe(section); });
  }

  function addCopyButtons() {
    document.querySelectorAll("pre.code").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      var status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        var text = pre.textContent;
        var done = function (message) {
          button.textContent = message;
          status.textContent = message === "Copied" ? "Code copied to clipboard" : message;
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(
            function () { done("Copied"); },
            function () { done("Press Ctrl+C to copy"); selectIn(pre); }
          );
        } else {
          selectIn(pre);
          done("Press Ctrl+C to copy");
        }
      });
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(button);
      wrap.appendChild(status);
    });
  }

  function selectIn(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function start() {
    trackSections();
    addCopyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
