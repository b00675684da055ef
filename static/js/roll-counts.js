/* Điểm Cầu: the roll page's figures follow every tap (templates/roll/_counts.html).
 *
 * The figures the server last sent are each counter's data-value; every row of the roll knows
 * the status the server has for it (data-server-status) and the one the page shows
 * (data-shown: a mark waiting on the phone, or just made). recount() writes server figures
 * plus the difference of every row whose two statuses differ, so the counts follow the taps at
 * once, online or offline, and are never counted twice when the server's figures come in.
 * A headcount waiting on the phone (input[data-pending-count]) adds its difference the same way.
 */
(function () {
  "use strict";

  var ATTENDED = { present: true, late: true };

  /* What one status adds to each counter. */
  function weight(status) {
    var excused = status === "absent_excused", unexcused = status === "absent_unexcused";
    return { present: ATTENDED[status] ? 1 : 0, late: status === "late" ? 1 : 0,
             absent_excused: excused ? 1 : 0, absent_unexcused: unexcused ? 1 : 0,
             absent: excused || unexcused ? 1 : 0 };
  }

  /* Numbers as the page writes them: separators taken from a sample the server formatted
   * ("1.234,5" in Vietnamese, "1,234.5" in English). */
  function formatter(sample) {
    sample = sample || "1.234,5";
    var thousands = sample.charAt(1), decimal = sample.charAt(5);
    function group(n) {
      return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
    }
    return {
      integer: group,
      // the server's rate: present / expected in percent, rounded to one place, shown with two
      rate: function (present, expected) {
        if (!expected) return "—";
        var tenths = Math.round(1000 * present / expected);
        var whole = Math.floor(tenths / 10);
        return group(whole) + decimal + String(tenths % 10) + "0\u00a0%";
      }
    };
  }

  function create(root, sample) {
    var format = formatter(sample);

    function value(el) { return el ? Number(el.dataset.value) || 0 : 0; }

    function recount() {
      var box = root.querySelector("#counts");
      if (!box) return;
      var totals = {}, cats = {};
      ["present", "late", "absent_excused", "absent_unexcused", "expected"].forEach(function (k) {
        totals[k] = value(box.querySelector('[data-count="' + k + '"]'));
      });
      Array.prototype.forEach.call(box.querySelectorAll("tr[data-category-id]"), function (tr) {
        cats[tr.dataset.categoryId] = { present: value(tr.querySelector('[data-cell="present"]')),
                                        absent: value(tr.querySelector('[data-cell="absent"]')) };
      });
      Array.prototype.forEach.call(root.querySelectorAll("li.roll-person"), function (li) {
        var from = li.dataset.serverStatus || "none", to = li.dataset.shown || from;
        if (from === to) return;
        var minus = weight(from), plus = weight(to), cat = cats[li.dataset.categoryId];
        Object.keys(totals).forEach(function (k) {
          if (k in plus) totals[k] += plus[k] - minus[k];
        });
        if (cat) {
          cat.present += plus.present - minus.present;
          cat.absent += plus.absent - minus.absent;
        }
      });
      // A headcount waiting on the phone counts as present, over what the server has.
      Array.prototype.forEach.call(root.querySelectorAll("input[data-pending-count]"), function (input) {
        var more = (Number(input.value) || 0) - value(input), cat = cats[input.dataset.categoryId];
        totals.present += more;
        if (cat) cat.present += more;
      });
      Object.keys(totals).forEach(function (k) {
        var el = box.querySelector('[data-count="' + k + '"]');
        if (el) el.textContent = format.integer(totals[k]);
      });
      var rate = box.querySelector('[data-count="rate"]');
      if (rate) rate.textContent = format.rate(totals.present, totals.expected);
      Object.keys(cats).forEach(function (id) {
        var tr = box.querySelector('tr[data-category-id="' + id + '"]');
        tr.querySelector('[data-cell="present"]').textContent = format.integer(cats[id].present);
        tr.querySelector('[data-cell="absent"]').textContent = format.integer(cats[id].absent);
      });
    }

    return { recount: recount };
  }

  window.DiemCauRollCounts = { create: create, formatter: formatter };
})();
