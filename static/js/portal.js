// Every page: a table wider than its box scrolls sideways; keyboard users must be able to reach that scroll
// (WCAG 2.1.1; axe-core's scrollable-region-focusable). Such a box becomes a focusable region named by the
// table's caption. Re-run after HTMX swaps in new tables.
(function () {
  "use strict";

  function markScrollableTables(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
        }
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "region");
        }
        var caption = box.querySelector("caption");
        if (caption && !box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { markScrollableTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) { markScrollableTables(event.target); });
  window.addEventListener("resize", function () { markScrollableTables(document); });
})();
