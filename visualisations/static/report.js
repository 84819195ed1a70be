// govgraph overlap report: sortable tables (click a column heading). No dependencies.
(function () {
  "use strict";
  function key(row, index) {
    var cell = row.cells[index];
    var value = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
    return /^-?\d+(\.\d+)?$/.test(value) ? { n: true, v: parseFloat(value) } : { n: false, v: value };
  }
  function sort(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a, index), y = key(b, index);
      var c = x.n && y.n ? x.v - y.v : String(x.v).localeCompare(String(y.v));
      return ascending ? c : -c;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button");
      if (button) {
        button.addEventListener("click", function () { sort(table, index, th); });
      }
    });
  });
})();
