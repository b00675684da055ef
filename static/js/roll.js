/* Điểm Cầu: a venue's roll page (templates/roll/page.html). Every tap and every form of the
 * point (headcounts, readiness, sign-off: forms with data-queue) is kept on the device first
 * (IndexedDB, static/js/offline-queue.js) and sent to the batch API (POST
 * /api/v1/sessions/N/roll) whenever there is a connection, so nothing is lost while offline.
 * An item leaves the queue only once the server answered its nonce; resending is harmless.
 * The page says what is still waiting, and the figures follow each tap (roll-counts.js).
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
  var counts = window.DiemCauRollCounts.create(root, config.messages.number_sample);

  var t = Sync.translator(config.messages);
  var newNonce = Sync.newNonce;
  function $(id) { return document.getElementById(id); }
  function mine(item) { return item.venue_id === config.venueId; }

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
    li.dataset.shown = status || "none";
    var label = status ? t(status) : t("none");
    li.querySelector("[data-status]").textContent = problem || (label + (reason ? ": " + reason : ""));
    li.classList.toggle("roll-problem", !!problem);
    li.querySelector("[data-pending]").hidden = !pending;
    li.dataset.pending = pending ? "1" : "";
    var box = li.querySelector('.excused-form input[name="reason"]');
    if (box && status === "absent_excused" && reason) box.value = reason;
    counts.recount();
  }

  /* ---- what a form queues ---- */
  function markItem(form, submitter) {
    var status = submitter && submitter.name === "status" ? submitter.value
      : form.querySelector('input[name="status"]').value;
    var reason = "";
    if (status === "absent_excused") {
      // a common reason's button ("pick"), else what was typed (Enter or "Ghi")
      reason = submitter && submitter.name === "pick" ? submitter.value
        : (form.querySelector('input[name="reason"]') || {}).value || "";
      reason = reason.trim();
      if (!reason) { notice(t("reason_required"), true); return null; }
    }
    return { kind: "mark", person_id: Number(form.querySelector('input[name="person_id"]').value),
             status: status, reason: reason };
  }

  /* A point's form as the API takes it: its fields by name (the CSRF token stays here). */
  function formItem(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") fields[name] = value;
    });
    return { kind: form.dataset.queue, fields: fields };
  }

  function onSubmit(event) {
    var form = event.target;
    var isMark = form.classList && form.classList.contains("mark-form");
    if (!Store || !config.mayMark || !(isMark || form.dataset.queue)) return;
    event.preventDefault();
    var item = isMark ? markItem(form, event.submitter) : formItem(form);
    if (!item) return;
    var at = new Date().toISOString();
    item.nonce = newNonce();
    item.session_id = config.sessionId;
    item.venue_id = config.venueId;
    item.recorded_at = at;
    item.last_contact = Sync.lastContact(); // the server's time this device last heard
    item.scanned_at = at; // the queue sends in this order: marks before the sign-off after them
    Store.enqueue(item).then(function () {
      if (isMark) {
        showStatus(item.person_id, item.status, item.reason, true);
        var details = form.closest("details");
        if (details) details.open = false;
      } else {
        shownQueued(item);
      }
      return refreshCount();
    }).then(send);
  }

  /* A point's action waiting on the phone: its form shows it, a sign-off locks the page. */
  function shownQueued(item) {
    var confirm = root.querySelector("details.confirm[open]");
    if (confirm) confirm.open = false;
    if (item.kind === "sign_off") {
      config.mayMark = false;
      root.classList.add("roll-locked");
      notice(t("queued_sign_off"));
    } else {
      Object.keys(item.fields || {}).forEach(function (name) {
        var input = root.querySelector('form[data-queue="' + item.kind + '"] [name="' + name + '"]');
        if (input && input.type !== "radio" && input.type !== "checkbox") input.value = item.fields[name];
        var choice = root.querySelector('form[data-queue="' + item.kind + '"] input[type="radio"][name="' + name + '"][value="' + item.fields[name] + '"]');
        if (choice) choice.checked = true; // a choice (the link checklist's items)
        if (input && item.kind === "headcount") input.dataset.pendingCount = "1";
      });
      counts.recount();
    }
  }

  function notice(text, isError) {
    var box = $("roll-notice");
    if (!box) { if (isError) window.console.warn(text); return; }
    box.textContent = text || "";
    box.hidden = !text;
    box.className = "flash " + (isError ? "flash-error" : "flash-success");
  }

  /* "Đang chờ gửi: 3 điểm danh, số người, ký xác nhận" */
  function showWaiting() {
    if (!Store) return Promise.resolve();
    return Store.waiting(config.sessionId).then(function (items) {
      var marks = 0, kinds = [], other = 0;
      items.filter(mine).forEach(function (item) {
        var kind = item.kind || "mark";
        if (kind === "mark") marks += 1;
        else if (config.messages["kind_" + kind]) { if (kinds.indexOf(kind) < 0) kinds.push(kind); }
        else other += 1;
      });
      var parts = [];
      if (marks) parts.push(t("kind_mark", { n: marks }));
      kinds.forEach(function (kind) { parts.push(t("kind_" + kind)); });
      if (other) parts.push(t("kind_other", { n: other }));
      var box = $("roll-waiting");
      if (box) {
        box.textContent = parts.length ? t("waiting") + " " + parts.join(", ") : "";
        box.hidden = !parts.length;
      }
    });
  }

  /* ---- sending (static/js/sync.js) ---- */
  var sync = Store ? Sync.create({
    store: Store, sessionId: config.sessionId, url: config.rollUrl, csrf: csrf, t: t,
    lineId: "net-status",
    toWire: function (item) {
      var wire = { nonce: item.nonce, kind: item.kind || "mark", venue_id: item.venue_id,
                   recorded_at: item.recorded_at, last_contact: item.last_contact };
      if (wire.kind === "mark") {
        wire.person_id = item.person_id;
        wire.status = item.status;
        wire.reason = item.reason;
      } else {
        wire.fields = item.fields;
      }
      return wire;
    },
    onAnswer: function (result) { answer(result); setTimeout(keepPage, 0); },
    onCount: function () { showWaiting(); },
    onLine: function (st, isOffline) { root.classList.toggle("is-offline", isOffline); }
  }) : null;
  var state = sync ? sync.state : { waiting: 0, unreachable: false };
  function line() { if (sync) sync.line(); }
  function refreshCount() { return sync ? sync.refresh() : Promise.resolve(); }

  function answer(result) {
    if (result.kind && result.kind !== "mark") return answerAction(result);
    var li = result.person && row(result.person.id);
    if (li && result.outcome === "accepted") li.dataset.serverStatus = result.status || "none";
    if (result.outcome === "accepted" && li && li.classList.contains("status-" + result.status)) {
      li.querySelector("[data-pending]").hidden = true; // keep the reason shown
      li.dataset.pending = "";
      counts.recount();
    } else if (result.outcome === "accepted") {
      showStatus(result.person ? result.person.id : null, result.status, null, false);
    } else if (result.person) {
      showStatus(result.person.id, result.status, null, false, result.message);
    }
  }

  function answerAction(result) {
    if (result.outcome !== "accepted") {
      notice(result.message, true);
      return;
    }
    if (result.kind === "sign_off") {
      notice(t("signed_off"));
      setTimeout(function () { location.reload(); }, 800); // the locked page, from the server
    } else if (config.messages["saved_" + result.kind]) {
      notice(t("saved_" + result.kind));
    }
    var label = result.kind === "link_check" && result.status && root.querySelector("#link-check [data-readiness-label]");
    if (label) label.textContent = t("readiness_" + result.status); // follows from the checklist
    if (result.kind === "headcount") {
      // the server has it now: the next figures count it (until then, the page still does)
      Array.prototype.forEach.call(root.querySelectorAll("input[data-pending-count]"), function (input) {
        input.dataset.sentCount = input.value;
      });
    }
  }

  var send = sync ? sync.send : function () { return Promise.resolve(); };

  /* ---- live figures (and statuses taken by scanning) ---- */
  function refreshCounts() {
    if (!navigator.onLine) return;
    fetch(config.countsUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var box = $("counts");
        box.innerHTML = html;
        var holder = box.querySelector("[data-statuses]");
        var statuses = holder ? JSON.parse(holder.dataset.statuses || "{}") : {};
        var changed = false;
        Object.keys(statuses).forEach(function (id) {
          var li = row(id), now = statuses[id] || "none";
          if (!li) return;
          li.dataset.serverStatus = now; // what the fresh figures count
          if (!li.dataset.pending && !li.classList.contains("roll-problem")
              && !li.classList.contains("status-" + now)) {
            showStatus(id, statuses[id], null, false);
            changed = true;
          }
        });
        Array.prototype.forEach.call(root.querySelectorAll("input[data-sent-count]"), function (input) {
          input.dataset.value = input.dataset.sentCount; // in these figures now
          delete input.dataset.sentCount;
          delete input.dataset.pendingCount;
        });
        counts.recount();
        if (changed) keepPage();
      })
      .catch(function () {});
  }

  function showWaitingItems() {
    return Store.waiting(config.sessionId).then(function (items) {
      items.filter(mine).forEach(function (item) {
        if ((item.kind || "mark") === "mark") showStatus(item.person_id, item.status, item.reason, true);
        else shownQueued(item);
      });
    });
  }

  document.addEventListener("submit", onSubmit);
  window.addEventListener("online", function () { state.unreachable = false; send(); refreshCounts(); });
  if (Store && config.mayMark) {
    showWaitingItems().then(refreshCount).then(send);
    setInterval(send, RETRY_EVERY);
  }
  line();
  setInterval(refreshCounts, REFRESH_EVERY);
  Sync.registerWorker(config.swUrl, function (active) {
    worker = active;
    keepPage(); // its first load did not pass the worker
  });
  window.DiemCauRoll = { send: send, state: state, recount: counts.recount };
})();
