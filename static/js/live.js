// Live dashboard: re-fetch the figures every 5 seconds and swap them in place. Each venue's
// categories fold under its row; which venues are open is kept across refreshes (and reloads,
// for this tab) so a refresh never closes what the organizer opened.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box) return;
  var url = box.getAttribute("data-live-url");
  var KEY = "diemcau.live.open:" + location.pathname;
  var open = {};
  try { open = JSON.parse(sessionStorage.getItem(KEY) || "{}") || {}; } catch (e) { open = {}; }

  function fold() {
    Array.prototype.forEach.call(box.querySelectorAll("[data-expand]"), function (button) {
      var id = button.getAttribute("data-expand"), shown = !!open[id];
      button.setAttribute("aria-expanded", shown ? "true" : "false");
      Array.prototype.forEach.call(box.querySelectorAll('[data-category-of="' + id + '"]'), function (row) {
        row.hidden = !shown;
      });
    });
  }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-expand]");
    if (!button) return;
    var id = button.getAttribute("data-expand");
    if (open[id]) delete open[id]; else open[id] = true;
    try { sessionStorage.setItem(KEY, JSON.stringify(open)); } catch (e) { /* private mode */ }
    fold();
  });

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        box.innerHTML = html;
        fold();
        var stamp = box.querySelector("[data-updated]");
        if (stamp) stamp.textContent = new Date().toLocaleTimeString("vi-VN", { hour12: false });
        box.classList.remove("stale");
      })
      .catch(function () { box.classList.add("stale"); });
  }
  box.classList.add("can-fold");
  fold();
  setInterval(refresh, 5000);
})();
