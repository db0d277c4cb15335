// The print button of the agreement, password and dashboard pages; inline
// handlers are not allowed by the pages' content security policy. A
// printed dashboard shows every rate's definition, which the screen keeps
// folded.
document.getElementById("print").addEventListener("click", function () { window.print(); });
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.rate").forEach(function (d) { d.open = true; });
});
