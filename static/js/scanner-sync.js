/* Điểm Cầu scanner: the sender. Drains the device queue to the batch API (up to 100 a request)
 * whenever online: right after a scan, on the 'online' event and every few seconds. A scan
 * leaves the queue only once the server answered its nonce; resending one is harmless.
 */
(function () {
  "use strict";

  var S = window.DiemCauScanner, Store = window.DiemCauStore;
  if (!S) return;
  var BATCH = 100;
  var RETRY_EVERY = 4000; // ms
  var state = { sending: false, again: false, unreachable: false, waiting: 0, problem: "" };

  function offline() { return !navigator.onLine || state.unreachable; }

  function status() {
    var line = document.getElementById("net-status");
    var cls = "net-online", text = S.t("online");
    if (state.problem) {
      cls = "net-problem"; text = state.problem;
    } else if (offline()) {
      cls = "net-offline"; text = S.t("offline", { n: state.waiting });
    } else if (state.waiting > 0) {
      cls = "net-sending"; text = S.t("sending", { n: state.waiting });
    }
    line.className = "net-status " + cls;
    line.textContent = text;
  }

  function refresh() {
    return Store.count(S.config.sessionId).then(function (n) {
      state.waiting = n;
      S.setCount("count-queue", n);
      status();
    });
  }

  function post(items) {
    return fetch(S.config.checkinsUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": S.config.csrf },
      body: JSON.stringify({ items: items.map(function (item) {
        var copy = {};
        Object.keys(item).forEach(function (k) { if (k !== "session_id") copy[k] = item[k]; });
        return copy;
      }) })
    });
  }

  /* One batch; resolves true when there may be more to send. */
  function sendBatch() {
    return Store.waiting(S.config.sessionId, BATCH).then(function (items) {
      if (!items.length) return false;
      return post(items).then(function (response) {
        state.unreachable = false;
        if (response.status === 401 || response.redirected) {
          state.problem = S.t("signed_out");
          return false;
        }
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            var code = body && body.error && body.error.code;
            state.problem = code === "csrf" ? S.t("signed_out") : S.t("server_error");
            return false;
          });
        }
        state.problem = "";
        return response.json().then(function (body) {
          var asked = {};
          items.forEach(function (item) { asked[item.nonce] = true; });
          var answered = (body.results || []).filter(function (r) { return asked[r.nonce]; });
          return Store.remove(answered.map(function (r) { return r.nonce; })).then(function () {
            answered.forEach(S.answer);
            return answered.length > 0 && items.length === BATCH;
          });
        });
      }, function () {
        state.unreachable = true; // no connection (or the server is down): keep everything
        return false;
      });
    });
  }

  var send = window.DiemCauStore.drainer(state, sendBatch, refresh);

  window.DiemCauSync = { send: send, sendSoon: function () { setTimeout(send, 0); },
                         refresh: refresh, state: state };

  window.addEventListener("online", function () { state.unreachable = false; send(); });
  window.addEventListener("offline", status);
  document.addEventListener("DOMContentLoaded", function () {
    refresh().then(send);
    setInterval(send, RETRY_EVERY);
  });
})();
