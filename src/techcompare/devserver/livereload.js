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

  // Every element starts from `all: initial`, so the site's own CSS cannot restyle the overlay.
  function styled(tag, styles) {
    var element = document.createElement(tag);
    element.style.setProperty("all", "initial");
    Object.keys(styles).forEach(function (name) {
      element.style.setProperty(name, styles[name]);
    });
    return element;
  }

  var TEXT = {
    color: "#ffffff",
    "font-family": "system-ui, -apple-system, 'Segoe UI', sans-serif",
    "font-size": "15px",
    "line-height": "1.5",
  };

  function text(styles) {
    return Object.assign({}, TEXT, styles);
  }

  function hideProblems() {
    var shown = overlay();
    if (shown) {
      shown.remove();
    }
  }

  function showProblems(problems) {
    hideProblems();
    var box = styled(
      "section",
      text({
        display: "block",
        position: "fixed",
        left: "0",
        right: "0",
        bottom: "0",
        "z-index": "2147483647",
        "box-sizing": "border-box",
        "max-height": "60vh",
        overflow: "auto",
        padding: "1rem 1.25rem",
        background: "#1f1416",
        "border-top": "4px solid #e5484d",
        "box-shadow": "0 -4px 16px rgba(0, 0, 0, 0.35)",
      })
    );
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", OVERLAY_ID + "-title");

    var title = styled("h2", text({ display: "block", margin: "0 0 0.5rem", "font-size": "17px", "font-weight": "600" }));
    title.id = OVERLAY_ID + "-title";
    title.textContent =
      problems.length === 1
        ? "1 problem in the content: this page shows the last good build"
        : problems.length + " problems in the content: this page shows the last good build";
    box.appendChild(title);

    var list = styled("ul", text({ display: "block", margin: "0", padding: "0 0 0 1.25rem", "list-style": "disc" }));
    problems.forEach(function (problem) {
      var item = styled("li", text({ display: "list-item", margin: "0.25rem 0" }));
      if (problem.location) {
        var where = styled(
          "code",
          text({
            "font-family": "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
            "font-size": "14px",
            color: "#ffd7d9",
            "overflow-wrap": "anywhere",
          })
        );
        where.textContent = problem.location;
        item.appendChild(where);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(problem.message));
      list.appendChild(item);
    });
    box.appendChild(list);

    var footer = styled(
      "p",
      text({ display: "flex", margin: "0.75rem 0 0", gap: "1rem", "align-items": "center" })
    );
    var hint = styled("span", text({}));
    hint.textContent = "Fix the file and save: the page reloads by itself.";
    var dismiss = styled(
      "button",
      text({
        "margin-left": "auto",
        padding: "0.25rem 0.75rem",
        color: "#1f1416",
        background: "#ffffff",
        "border-radius": "4px",
        cursor: "pointer",
        outline: "revert",
      })
    );
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
