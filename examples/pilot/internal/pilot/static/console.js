// The duty console's live list: the server sends an event when anything
// changes (and a heartbeat now and then), and the page fetches its list
// again. The list is fetched rather than sent in the event so that each
// console sees exactly what its member may see.
(function () {
  var box = document.getElementById("console-list");
  var live = document.getElementById("live");
  if (!box || !window.EventSource) { return; }
  var loading = false, again = false;
  function reload() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(box.dataset.src, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        // Keep a route choice the officer is making.
        var active = document.activeElement && document.activeElement.tagName === "SELECT";
        if (!active) { box.innerHTML = html; }
      })
      .catch(function () {})
      .finally(function () { loading = false; if (again) { again = false; reload(); } });
  }
  var es = new EventSource(box.dataset.events);
  es.addEventListener("open", function () { live.textContent = "● 实时"; live.className = "live on"; });
  es.addEventListener("error", function () { live.textContent = "重新连接中…"; live.className = "live"; });
  es.addEventListener("changed", reload);
  es.addEventListener("tick", reload);
})();
