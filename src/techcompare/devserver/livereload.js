// Live reload for `techcompare serve`. The server adds this script to every HTML page it
// serves; it is never part of a built site.
//
// It listens to the server's events: `reload` after a successful rebuild (the page reloads
// when it was rewritten, or when it shows problems) and `problems` after a failed one (an
// overlay lists them until the next successful rebuild).
(function () {
  "use strict";

  var script = document.currentScript;
  // The output file this document was served from; empty for pages that always reload.
  var page = (script && script.getAttribute("data-page")) || "";
  var OVERLAY_ID = "techcompare-problems";
  var source = new EventSource("/__techcompare/events");

  function overlay() {
    return document.getElementById(OVERLAY_ID);
  }

  function styled(tag, styles) {
    var element = document.createElement(tag);
    Object.keys(styles).forEach(function (name) {
      element.style.setProperty(name, styles[name]);
    });
    return element;
  }

  function hideProblems() {
    var shown = overlay();
    if (shown) {
      shown.remove();
    }
  }

  function showProblems(problems) {
    hideProblems();
    var box = styled("section", {
      position: "fixed",
      left: "0",
      right: "0",
      bottom: "0",
      "z-index": "2147483647",
      "max-height": "60vh",
      overflow: "auto",
      margin: "0",
      padding: "1rem 1.25rem",
      background: "#1f1416",
      color: "#ffffff",
      "border-top": "4px solid #e5484d",
      "box-shadow": "0 -4px 16px rgba(0, 0, 0, 0.35)",
      font: "15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif",
      "text-align": "left",
    });
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", OVERLAY_ID + "-title");

    var title = styled("h2", { margin: "0 0 0.5rem", font: "600 17px/1.4 inherit", color: "#ffffff" });
    title.id = OVERLAY_ID + "-title";
    title.textContent =
      problems.length === 1
        ? "1 problem in the content: this page shows the last good build"
        : problems.length + " problems in the content: this page shows the last good build";
    box.appendChild(title);

    var list = styled("ul", { margin: "0", padding: "0 0 0 1.25rem" });
    problems.forEach(function (problem) {
      var item = styled("li", { margin: "0.25rem 0" });
      if (problem.location) {
        var where = styled("code", {
          font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
          color: "#ffd7d9",
          "overflow-wrap": "anywhere",
        });
        where.textContent = problem.location;
        item.appendChild(where);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(problem.message));
      list.appendChild(item);
    });
    box.appendChild(list);

    var footer = styled("p", { margin: "0.75rem 0 0", display: "flex", gap: "1rem", "align-items": "center" });
    var hint = document.createElement("span");
    hint.textContent = "Fix the file and save: the page reloads by itself.";
    var dismiss = styled("button", {
      "margin-left": "auto",
      padding: "0.25rem 0.75rem",
      font: "inherit",
      color: "#1f1416",
      background: "#ffffff",
      border: "0",
      "border-radius": "4px",
      cursor: "pointer",
    });
    dismiss.type = "button";
    dismiss.textContent = "Hide";
    dismiss.addEventListener("click", hideProblems);
    footer.appendChild(hint);
    footer.appendChild(dismiss);
    box.appendChild(footer);

    document.body.appendChild(box);
  }

  source.addEventListener("problems", function (event) {
    showProblems(JSON.parse(event.data).problems);
  });

  source.addEventListener("reload", function (event) {
    var data = JSON.parse(event.data);
    if (overlay() || !page || data.all || data.pages.indexOf(page) !== -1) {
      source.close();
      window.location.reload();
    }
  });
})();
