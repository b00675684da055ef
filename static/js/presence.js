// The venue screen's rotating presence code: ask the server for the current code every few
// seconds (and as soon as the countdown ends), show it big, and swap the QR when it changes.
(function () {
  "use strict";
  var box = document.querySelector(".presence[data-rotating='true']");
  if (!box) return;
  var stateUrl = box.dataset.stateUrl;
  var imageUrl = box.dataset.imageUrl;
  var codeEl = document.getElementById("presence-code");
  var secondsEl = document.getElementById("presence-seconds");
  var image = document.getElementById("presence-qr");
  var secondsLeft = parseInt(secondsEl.textContent, 10) || 0;
  var shown = codeEl.textContent.trim();
  var POLL_MS = 5000;

  function show(state) {
    if (!state || !state.code) return;
    secondsLeft = state.seconds_left;
    secondsEl.textContent = secondsLeft;
    if (state.code !== shown) {
      shown = state.code;
      codeEl.textContent = state.code;
      image.src = imageUrl + "?c=" + encodeURIComponent(state.code);
    }
    box.classList.remove("presence-stale");
  }

  function refresh() {
    fetch(stateUrl, {credentials: "same-origin", cache: "no-store",
                     headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(show)
      .catch(function () { box.classList.add("presence-stale"); });
  }

  setInterval(function () {
    secondsLeft = Math.max(secondsLeft - 1, 0);
    secondsEl.textContent = secondsLeft;
    if (secondsLeft === 0) refresh();
  }, 1000);
  setInterval(refresh, POLL_MS);
})();
