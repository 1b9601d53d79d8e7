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
})();
