/* Điểm Cầu: sending a device queue to a batch API, shared by the scanner (scanner-sync.js) and
 * the roll page (roll.js). offline-queue.js only keeps the queue; this drains it: up to 100
 * items a request, whenever online (right after a change, on the 'online' event and every few
 * seconds). An item leaves the queue only once the server answered its nonce; resending one is
 * harmless (the server answers a replayed nonce with its first answer). The status line says
 * online, offline (n waiting), sending (n) or the problem (signed out, server error).
 *
 * The server's time from each answer is kept as the device's last contact: the scanner stamps
 * it on every scan it queues (last_contact), so the server can tell a clock set back.
 */
(function () {
  "use strict";

  var BATCH = 100;
  var LAST_CONTACT = "diemcau.last_contact";

  /* t(key, params) over a page's messages: "%(n)s" filled from params. */
  function translator(messages) {
    return function t(key, params) {
      var text = messages[key] || key;
      Object.keys(params || {}).forEach(function (name) {
        text = text.split("%(" + name + ")s").join(String(params[name]));
      });
      return text;
    };
  }

  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function lastContact() {
    try { return localStorage.getItem(LAST_CONTACT) || null; } catch (e) { return null; }
  }

  function noteContact(serverTime) {
    try { if (serverTime) localStorage.setItem(LAST_CONTACT, serverTime); } catch (e) { /* private mode */ }
  }

  /* The service worker (offline reloads); onReady(worker) once it is active. */
  function registerWorker(url, onReady) {
    if (!("serviceWorker" in navigator) || !url) return;
    navigator.serviceWorker.register(url, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (onReady) onReady(registration.active);
    }).catch(function () { /* the page still works online */ });
  }

  /* One drain at a time: a call while draining asks for one more round. Offline, it only
   * refreshes the counts. */
  function drainer(state, sendBatch, refresh) {
    return function send() {
      if (state.sending) { state.again = true; return Promise.resolve(); }
      if (!navigator.onLine) return refresh();
      state.sending = true;
      state.again = false;
      function loop() {
        return sendBatch().then(function (more) { return more || state.again ? (state.again = false, loop()) : null; });
      }
      return loop().catch(function () { state.unreachable = true; }).then(function () {
        state.sending = false;
        return refresh();
      });
    };
  }

  /* options: store, sessionId, url, csrf, t, lineId (the status line's element id),
   * toWire(item) (what of a queued item is sent), onAnswer(result), onCount(n), onLine(state),
   * alsoWaiting() (a promise of how many more wait in another queue, counted with these). */
  function create(options) {
    var state = { sending: false, again: false, unreachable: false, waiting: 0, problem: "" };
    var t = options.t;

    function offline() { return !navigator.onLine || state.unreachable; }

    function line() {
      var el = document.getElementById(options.lineId);
      var cls = "net-online", text = t("online");
      if (state.problem) { cls = "net-problem"; text = state.problem; }
      else if (offline()) { cls = "net-offline"; text = t("offline", { n: state.waiting }); }
      else if (state.waiting > 0) { cls = "net-sending"; text = t("sending", { n: state.waiting }); }
      if (el) { el.className = "net-status " + cls; el.textContent = text; }
      if (options.onLine) options.onLine(state, offline());
    }

    function refresh() {
      return Promise.all([options.store.count(options.sessionId),
                          options.alsoWaiting ? options.alsoWaiting() : 0]).then(function (counts) {
        var n = state.waiting = counts[0] + counts[1];
        if (options.onCount) options.onCount(n);
        line();
      });
    }

    function post(items) {
      return fetch(options.url, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": options.csrf },
        body: JSON.stringify({ items: items.map(options.toWire) })
      });
    }

    /* One batch; resolves true when there may be more to send. */
    function sendBatch() {
      return options.store.waiting(options.sessionId, BATCH).then(function (items) {
        if (!items.length) return false;
        return post(items).then(function (response) {
          state.unreachable = false;
          if (response.status === 401 || response.redirected) {
            state.problem = t("signed_out");
            return false;
          }
          if (!response.ok) {
            return response.json().catch(function () { return {}; }).then(function (body) {
              var code = body && body.error && body.error.code;
              state.problem = code === "csrf" ? t("signed_out") : t("server_error");
              return false;
            });
          }
          state.problem = "";
          return response.json().then(function (body) {
            noteContact(body.server_time);
            var asked = {};
            items.forEach(function (item) { asked[item.nonce] = true; });
            var answered = (body.results || []).filter(function (r) { return asked[r.nonce]; });
            return options.store.remove(answered.map(function (r) { return r.nonce; })).then(function () {
              answered.forEach(options.onAnswer);
              return answered.length > 0 && items.length === BATCH;
            });
          });
        }, function () {
          state.unreachable = true; // no connection (or the server is down): keep everything
          return false;
        });
      });
    }

    var send = drainer(state, sendBatch, refresh);
    window.addEventListener("offline", line);
    return { send: send, sendSoon: function () { setTimeout(send, 0); }, refresh: refresh,
             line: line, state: state, offline: offline };
  }

  window.DiemCauSync = { create: create, translator: translator, newNonce: newNonce,
                         registerWorker: registerWorker, lastContact: lastContact,
                         noteContact: noteContact };
})();
