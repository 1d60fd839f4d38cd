// Filters of the verdict table: one checkbox per verdict and a text search, also read from and
// written to the address's fragment (#verdict=blocked,unknown&q=db) so a link shows the same view.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[name=verdict]"));
  var search = document.getElementById("q");
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#vms tbody tr[data-verdict]"));

  function read() {
    var params = new URLSearchParams(location.hash.slice(1));
    if (params.has("verdict")) {
      var wanted = params.get("verdict").split(",");
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    if (params.has("q")) {
      search.value = params.get("q");
    }
  }

  function apply() {
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var term = search.value.trim().toLowerCase();
    // VMs, not rows: a VM of two recovery plans has a row in each.
    var all = {}, seen = {}, total = 0, n = 0;
    rows.forEach(function (r) {
      var name = r.querySelector(".name").textContent;
      var show = on.indexOf(r.dataset.verdict) >= 0 && (term === "" || r.textContent.toLowerCase().indexOf(term) >= 0);
      r.hidden = !show;
      if (!all[name]) { all[name] = true; total++; }
      if (show && !seen[name]) { seen[name] = true; n++; }
    });
    shown.textContent = n + " of " + total + " VMs shown";
  }

  function write() {
    var params = new URLSearchParams();
    if (boxes.some(function (b) { return !b.checked; })) {
      params.set("verdict", boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }).join(","));
    }
    if (search.value !== "") params.set("q", search.value);
    history.replaceState(null, "", params.toString() === "" ? location.pathname : "#" + params.toString());
  }

  boxes.forEach(function (b) { b.addEventListener("change", function () { apply(); write(); }); });
  search.addEventListener("input", function () { apply(); write(); });
  window.addEventListener("hashchange", function () { read(); apply(); });
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  read();
  apply();
})();
