/* Điểm Cầu: a venue's roll page (templates/roll/page.html). One tap marks a person; the mark
 * is kept on the device first (IndexedDB, static/js/offline-queue.js) and sent to the batch
 * API (POST /api/v1/sessions/N/roll) whenever there is a connection, so nothing is lost while
 * offline. A mark leaves the queue only once the server answered its nonce; resending is
 * harmless. Headcount, readiness and sign-off are plain forms that need the connection.
 * The point's figures (and statuses from scanning) are re-fetched every few seconds.
 * The service worker (static/sw.js) keeps the last good copy of this page, so it reloads offline.
 */
(function () {
  "use strict";

  var root = document.getElementById("roll");
  if (!root) return;
  var config = {
    sessionId: Number(root.dataset.sessionId),
    venueId: Number(root.dataset.venueId),
    rollUrl: root.dataset.rollUrl,
    countsUrl: root.dataset.countsUrl,
    mayMark: root.dataset.mayMark === "1",
    swUrl: root.dataset.swUrl,
    messages: JSON.parse(root.dataset.messages || "{}")
  };
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var Store = window.DiemCauStore && window.DiemCauStore.named("diemcau-roll");
  var RETRY_EVERY = 4000, REFRESH_EVERY = 5000;
  var Sync = window.DiemCauSync; // static/js/sync.js: sending, status line, t(), nonce

  var t = Sync.translator(config.messages);
  var newNonce = Sync.newNonce;

  /* The service worker keeps a fresh copy of this page for an offline reload: asked once it is
   * ready and again whenever marks were accepted or statuses changed, so the copy shows them. */
  var worker = null;
  function keepPage() {
    if (worker && navigator.onLine) worker.postMessage({ keep: location.href });
  }

  /* ---- rows ---- */
  function row(personId) { return document.getElementById("p-" + personId); }

  function showStatus(personId, status, reason, pending, problem) {
    var li = row(personId);
    if (!li) return;
    li.className = li.className.replace(/\bstatus-\S+/g, "").trim() + " status-" + (status || "none");
    var label = status ? t(status) : t("none");
    li.querySelector("[data-status]").textContent = problem || (label + (reason ? ": " + reason : ""));
    li.classList.toggle("roll-problem", !!problem);
    li.querySelector("[data-pending]").hidden = !pending;
    li.dataset.pending = pending ? "1" : "";
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("mark-form") || !Store) return;
    event.preventDefault();
    var submitter = event.submitter;
    var status = submitter && submitter.name === "status" ? submitter.value
      : form.querySelector('input[name="status"]').value;
    var reason = "";
    if (status === "absent_excused") {
      reason = submitter && submitter.name === "reason" ? submitter.value
        : (form.querySelector('input[name="reason"]') || {}).value || "";
      reason = reason.trim();
      if (!reason) { window.alert(t("reason_required")); return; }
    }
    var personId = Number(form.querySelector('input[name="person_id"]').value);
    var item = { nonce: newNonce(), session_id: config.sessionId, venue_id: config.venueId,
                 person_id: personId, status: status, reason: reason,
                 recorded_at: new Date().toISOString() };
    Store.enqueue(item).then(function () {
      showStatus(personId, status, reason, true);
      var details = form.closest("details");
      if (details) details.open = false;
      return refreshCount();
    }).then(send);
  }

  /* ---- sending (static/js/sync.js) ---- */
  var sync = Store ? Sync.create({
    store: Store, sessionId: config.sessionId, url: config.rollUrl, csrf: csrf, t: t,
    lineId: "net-status",
    toWire: function (item) {
      return { nonce: item.nonce, venue_id: item.venue_id, person_id: item.person_id,
               status: item.status, reason: item.reason, recorded_at: item.recorded_at };
    },
    onAnswer: function (result) { answer(result); setTimeout(keepPage, 0); },
    onLine: function (st, isOffline) {
      // Headcount, readiness and sign-off are posted as pages: they need the connection.
      root.classList.toggle("is-offline", isOffline);
      Array.prototype.forEach.call(root.querySelectorAll(".needs-online button"), function (b) {
        b.disabled = isOffline;
      });
    }
  }) : null;
  var state = sync ? sync.state : { waiting: 0, unreachable: false };
  function line() { if (sync) sync.line(); }
  function refreshCount() { return sync ? sync.refresh() : Promise.resolve(); }

  function answer(result) {
    var li = result.person && row(result.person.id);
    if (result.outcome === "accepted" && li && li.classList.contains("status-" + result.status)) {
      li.querySelector("[data-pending]").hidden = true; // keep the reason shown
      li.dataset.pending = "";
    } else if (result.outcome === "accepted") {
      showStatus(result.person ? result.person.id : null, result.status, null, false);
    } else if (result.person) {
      showStatus(result.person.id, result.status, null, false, result.message);
    }
  }

  var send = sync ? sync.send : function () { return Promise.resolve(); };

  /* ---- live figures (and statuses taken by scanning) ---- */
  function refreshCounts() {
    if (!navigator.onLine) return;
    fetch(config.countsUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var box = document.getElementById("counts");
        box.innerHTML = html;
        var holder = box.querySelector("[data-statuses]");
        var statuses = holder ? JSON.parse(holder.dataset.statuses || "{}") : {};
        var changed = false;
        Object.keys(statuses).forEach(function (id) {
          var li = row(id);
          if (li && !li.dataset.pending && !li.classList.contains("roll-problem")
              && !li.classList.contains("status-" + (statuses[id] || "none"))) {
            showStatus(id, statuses[id], null, false);
            changed = true;
          }
        });
        if (changed) keepPage();
      })
      .catch(function () {});
  }

  function markWaiting() {
    return Store.waiting(config.sessionId).then(function (items) {
      items.forEach(function (item) {
        if (item.venue_id === config.venueId) showStatus(item.person_id, item.status, item.reason, true);
      });
    });
  }

  document.addEventListener("submit", onSubmit);
  window.addEventListener("online", function () { state.unreachable = false; send(); refreshCounts(); });
  if (Store && config.mayMark) {
    markWaiting().then(refreshCount).then(send);
    setInterval(send, RETRY_EVERY);
  }
  line();
  setInterval(refreshCounts, REFRESH_EVERY);
  Sync.registerWorker(config.swUrl, function (active) {
    worker = active;
    keepPage(); // its first load did not pass the worker
  });
  window.DiemCauRoll = { send: send, state: state };
})();
