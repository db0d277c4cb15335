// The print button of the agreement page; inline handlers are not allowed
// by the page's content security policy.
document.getElementById("print").addEventListener("click", function () { window.print(); });
