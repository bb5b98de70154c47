/* Staff console: small progressive enhancements on top of htmx. The pages work without this file. */
(function () {
  "use strict";

  // After a failed form post, put the keyboard on the error summary so a screen reader announces it.
  function focusErrors(root) {
    var summary = (root || document).querySelector(".error-summary[tabindex]");
    if (summary) { summary.focus(); }
  }

  // Alt+Shift+<n> (or the key named in data-key) on a row of a live panel triggers its button: one key attaches.
  function onKey(event) {
    if (!event.altKey || !event.shiftKey) { return; }
    var target = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (target) {
      event.preventDefault();
      target.click();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("keydown", onKey);
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
  // A fragment that failed (403, 412, 500...) still shows its message instead of nothing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}());
