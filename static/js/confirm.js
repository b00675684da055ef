/* Điểm Cầu: the in-page confirmations (templates/_confirm.html). The question is a <details>
 * that works without script; this only closes it on "Hủy" or Escape, and puts the focus on
 * the confirming button once it opens, so the second tap (or Enter) is where the eye is. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-confirm-cancel]");
    if (!cancel) return;
    var box = cancel.closest("details.confirm");
    if (box) { box.open = false; box.querySelector("summary").focus(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    Array.prototype.forEach.call(document.querySelectorAll("details.confirm[open]"), function (box) {
      box.open = false;
    });
  });

  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("details.confirm") || !box.open) return;
    var yes = box.querySelector("[data-confirmed]");
    if (yes && !yes.disabled) yes.focus();
  }, true);
})();
