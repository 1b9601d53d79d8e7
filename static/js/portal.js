/* The portal's own behaviour, as a static file: the Content-Security-Policy allows no inline script
   and no inline event handler (onclick=, onchange= …). */
(function () {
  "use strict";
  // <select data-submit-on-change>: choosing an option submits its form (e.g. the act version picker).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-submit-on-change]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // A table wider than its box scrolls sideways; keyboard users must reach that scroll (WCAG 2.1.1;
  // axe-core's scrollable-region-focusable): such a box becomes a focusable region named by its caption.
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
