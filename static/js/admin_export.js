// The export page's "select all" box calls its handler from an inline attribute, which the
// portal's Content-Security-Policy blocks; the same handler is attached here instead.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
});
