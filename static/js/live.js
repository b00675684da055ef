// Live dashboard: re-fetch the figures every 5 seconds and swap them in place.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box) return;
  var url = box.getAttribute("data-live-url");
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        box.innerHTML = html;
        var stamp = box.querySelector("[data-updated]");
        if (stamp) stamp.textContent = new Date().toLocaleTimeString("vi-VN", { hour12: false });
        box.classList.remove("stale");
      })
      .catch(function () { box.classList.add("stale"); });
  }
  setInterval(refresh, 5000);
})();
