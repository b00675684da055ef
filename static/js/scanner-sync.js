/* Điểm Cầu scanner: the sender, static/js/sync.js over the scanner's queue (scans are sent
 * with everything but their session_id, and each answer replaces the device's own).
 */
(function () {
  "use strict";

  var S = window.DiemCauScanner, Store = window.DiemCauStore;
  if (!S) return;
  var RETRY_EVERY = 4000; // ms

  var sync = window.DiemCauSync.create({
    store: Store, sessionId: S.config.sessionId, url: S.config.checkinsUrl, csrf: S.config.csrf,
    t: S.t, lineId: "net-status", onAnswer: S.answer,
    onCount: function (n) { S.setCount("count-queue", n); },
    // the exits waiting (scanner-exits.js) are counted and shown with the arrivals
    alsoWaiting: function () { return window.DiemCauExits ? window.DiemCauExits.waiting() : 0; },
    toWire: function (item) {
      var copy = {};
      Object.keys(item).forEach(function (k) { if (k !== "session_id") copy[k] = item[k]; });
      return copy;
    }
  });

  window.DiemCauSync.scanner = sync;
  window.DiemCauSync.send = sync.send;
  window.DiemCauSync.sendSoon = sync.sendSoon;
  window.DiemCauSync.refresh = sync.refresh;
  window.DiemCauSync.state = sync.state;

  window.addEventListener("online", function () { sync.state.unreachable = false; sync.send(); });
  document.addEventListener("DOMContentLoaded", function () {
    sync.refresh().then(sync.send);
    setInterval(sync.send, RETRY_EVERY);
  });
})();
