// The scorecard form editor: keep each section's weight total up to date while weights are typed.
// Everything else works without script (rows are added and removed by the form's own buttons).
(function () {
  function total(section) {
    var sum = 0;
    section.querySelectorAll("input.weight").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) { sum += value; }
    });
    var shown = section.querySelector("[data-weight-total] span");
    if (shown) { shown.textContent = String(Math.round(sum * 100) / 100); }
  }
  document.addEventListener("input", function (event) {
    if (!event.target.matches("input.weight")) { return; }
    var section = event.target.closest(".section-editor");
    if (section) { total(section); }
  });
})();
