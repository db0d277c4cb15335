// File inputs: the browser's own button speaks the browser's language, so
// the pages hide it behind a label of their own and show the chosen file's
// name here.
document.querySelectorAll(".file-name[data-for]").forEach(function (out) {
  var input = document.getElementById(out.dataset.for);
  if (!input) return;
  input.addEventListener("change", function () {
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    out.textContent = names.length ? names.join("，") : "未选择文件";
  });
});
