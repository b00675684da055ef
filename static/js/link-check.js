/* Điểm Cầu: a bridge point's link checklist on its roll page (templates/roll/_link.html).
 * Saving the form keeps it on the phone first (IndexedDB, its own queue in offline-queue.js)
 * and sends it to POST /api/v1/sessions/N/link-checks whenever there is a connection
 * (static/js/sync.js), so a checklist filled in without a connection is not lost and counts as
 * of when it was filled in. An item leaves the queue only once the server answered its nonce;
 * resending is harmless. The panel's summary shows the readiness the server derived.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-link-queue]");
  var root = document.getElementById("roll");
  var Sync = window.DiemCauSync, Store = window.DiemCauStore && window.DiemCauStore.named("diemcau-link");
  if (!form || !root || !Sync || !Store) return;
  var sessionId = Number(root.dataset.sessionId), venueId = Number(root.dataset.venueId);
  var messages = JSON.parse(form.dataset.linkMessages || "{}");
  var t = Sync.translator(messages);
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var status = document.getElementById("link-status"), problem = document.getElementById("link-problem");
  var used = false; // the line shows once this page has saved a checklist (or one waits)
  var label = document.querySelector("#link-check [data-readiness-label]");

  function fields() {
    var found = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") found[name] = value;
    });
    return found;
  }

  /* Put a queued checklist's values back in the form (an offline reload shows what waits). */
  function show(values) {
    Object.keys(values).forEach(function (name) {
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (input) {
        if (input.type === "radio") input.checked = input.value === values[name];
        else input.value = values[name];
      });
    });
  }

  var sync = Sync.create({
    store: Store, sessionId: sessionId, url: form.dataset.linkQueue, csrf: csrf, t: t,
    lineId: "link-status",
    toWire: function (item) {
      return { nonce: item.nonce, venue_id: item.venue_id, fields: item.fields,
               recorded_at: item.recorded_at };
    },
    onAnswer: function (result) {
      problem.hidden = result.outcome === "accepted";
      problem.textContent = result.outcome === "accepted" ? "" : result.message;
      if (result.outcome === "accepted" && result.readiness && label) {
        label.textContent = t(result.readiness);
      }
    },
    onCount: function (n) { if (n > 0 || used) status.hidden = false; }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var at = new Date().toISOString();
    var item = { nonce: Sync.newNonce(), session_id: sessionId, venue_id: venueId,
                 fields: fields(), recorded_at: at, scanned_at: at };
    used = true;
    Store.enqueue(item).then(sync.refresh).then(sync.send);
  });

  window.addEventListener("online", function () { sync.state.unreachable = false; sync.send(); });
  Store.waiting(sessionId).then(function (items) {
    var mine = items.filter(function (item) { return item.venue_id === venueId; });
    if (mine.length) show(mine[mine.length - 1].fields);
  }).then(sync.refresh).then(sync.send);
  setInterval(sync.send, 4000);
  window.DiemCauLinkCheck = { sync: sync, store: Store };
})();
