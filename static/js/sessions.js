/* Session set-up pages. The expected-count grid (templates/sessions/_macros.html, table
 * [data-live-totals]): every "Cộng" follows the typing, and shows the typed figures again
 * when the page comes back with an error (a cell that is not a whole number counts 0 there,
 * and is marked by the server's message). */
(function () {
  "use strict";

  var sample = (document.documentElement.lang === "en") ? "," : ".";

  function format(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sample); }

  function value(input) {
    var text = input.value.replace(/[\s.,]/g, "");
    return /^\d+$/.test(text) ? Number(text) : 0;
  }

  // What the venues of the other pages add (the grid shows one page of a long list).
  function others(cell) { return Number(cell.dataset.others || 0); }

  function total(table) {
    var columns = {}, grand = 0;
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
      var sum = 0;
      Array.prototype.forEach.call(tr.querySelectorAll("input[data-col]"), function (input) {
        var n = value(input);
        sum += n;
        columns[input.dataset.col] = (columns[input.dataset.col] || 0) + n;
      });
      var cell = tr.querySelector("[data-row-total]");
      if (cell) cell.textContent = format(sum);
      grand += sum;
    });
    Array.prototype.forEach.call(table.querySelectorAll("[data-col-total]"), function (cell) {
      cell.textContent = format((columns[cell.dataset.colTotal] || 0) + others(cell));
    });
    var all = table.querySelector("[data-grand-total]");
    if (all) all.textContent = format(grand + others(all));
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-live-totals]"), function (table) {
    table.addEventListener("input", function () { total(table); });
    total(table); // after an error the typed figures are back: so are their totals
  });
})();
