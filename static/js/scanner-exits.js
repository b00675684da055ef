/* Điểm Cầu scanner: the exit mode ("Ra về"), for people who leave before the end.
 *
 * The switch "Vào" / "Ra về" is remembered per venue on this device (localStorage) and, in
 * exit mode, the whole station turns indigo with a banner, so nobody records exits by mistake.
 * In exit mode a card (or a pick from the search) is an exit: queued on the device first, in a
 * queue of its own (IndexedDB "diemcau-scanner-exits", offline-queue.js's stores), answered at
 * once from what the device knows ("chờ gửi"), then sent one by one to the exits API
 * (POST /api/v1/sessions/{id}/exits) with its scan time (scanned_at, judged by the server as an
 * arrival's device time is). Exits wait while arrivals are still queued: a person checked in
 * offline must be in before their exit is. An exit leaves the queue only once the server has
 * answered it (recorded, or refused: the refusal is raised on the station with the name);
 * sending the same exit again records the same time, so a lost answer is harmless.
 */
(function () {
  "use strict";

  var S = window.DiemCauScanner, Arrivals = window.DiemCauStore;
  if (!S) return;
  var Queue = Arrivals.named("diemcau-scanner-exits");
  var RETRY_EVERY = 4000; // ms
  var config = S.config, t = S.t;
  var MODE_KEY = "diemcau.scan_mode." + config.sessionId + "." + config.venueId;
  var sender = { sending: false, again: false, problem: "" };

  function $(id) { return document.getElementById(id); }

  /* ---- the mode switch ---- */

  function active() { return S.state.mode === "out"; }

  function setMode(mode, remember) {
    S.state.mode = mode === "out" ? "out" : "in";
    var out = active();
    $("scanner").classList.toggle("exit-mode", out);
    $("mode-banner").hidden = !out;
    $("walkin-panel").hidden = out; // a newcomer arrives, never leaves first
    if (out) $("walkin-panel").open = false;
    Array.prototype.forEach.call(document.querySelectorAll("#scan-mode [data-mode]"), function (b) {
      b.setAttribute("aria-checked", String(b.dataset.mode === S.state.mode));
    });
    if (remember) {
      try { localStorage.setItem(MODE_KEY, S.state.mode); } catch (e) { /* private mode */ }
    }
    S.show({ kind: "idle", title: S.readyTitle() });
  }

  function storedMode() {
    try { return localStorage.getItem(MODE_KEY) || "in"; } catch (e) { return "in"; }
  }

  /* ---- what the panel says ---- */

  function early(iso) { return Date.parse(iso) < config.endsAt; }

  function doneTitle(iso, isEarly) {
    return t("exit_done", { time: S.hhmm(iso) }) + (isEarly ? " " + t("exit_early") : "");
  }

  /* The device's own word, before the server's: from its roster, its check-ins, its exits. */
  function localVerdict(personId, at, seen, left) {
    var person = S.state.people[personId];
    var name = person ? person.full_name : "";
    if (!seen) {
      return { kind: "unv", title: t("exit_unchecked"), name: name, detail: t("exit_server_checks") };
    }
    if (seen.venue !== config.venueName) {
      return { kind: "unv", title: doneTitle(at, early(at)), name: name,
               where: t("exit_came_elsewhere", { venue: seen.venue }) };
    }
    if (left) {
      return { kind: "dup", title: doneTitle(at, early(at)), name: name,
               where: t("exit_replaces", { time: S.hhmm(left.at) }) };
    }
    return { kind: "out", title: doneTitle(at, early(at)), name: name };
  }

  /* The server's answer: ``reply`` = {ok, body}; ``item`` the queued exit. */
  function serverVerdict(item, reply) {
    var person = S.state.people[item.person];
    var name = person ? person.full_name : "";
    if (!reply.ok) {
      return { kind: "err", title: (reply.body.error || {}).message || t("server_error"), name: name };
    }
    var body = reply.body;
    var view = { kind: body.replaced ? "dup" : "out", title: doneTitle(body.left_at, body.left_early),
                 name: body.person.full_name,
                 detail: body.minutes_present == null ? ""
                   : t("exit_minutes", { n: body.minutes_present }) };
    if (body.replaced) view.where = t("exit_replaced", { time: S.hhmm(body.replaced) });
    else if (body.venue && body.venue.id !== config.venueId) {
      view.where = t("exit_came_elsewhere", { venue: body.venue.name });
    }
    return view;
  }

  /* ---- an exit: queue first, answer from the device, then send ---- */

  /* ``fields``: {token} for a card, {person_id} for a pick; ``personId`` the person it names. */
  function record(fields, personId) {
    var item = { nonce: S.newNonce(), session_id: config.sessionId, venue_id: config.venueId,
                 person: personId, scanned_at: new Date().toISOString(),
                 last_contact: window.DiemCauSync.lastContact() };
    Object.keys(fields).forEach(function (k) { item[k] = fields[k]; });
    var seen;
    return Queue.enqueue(item).then(function () {
      return Arrivals.seen(config.sessionId, personId);
    }).then(function (found) {
      seen = found;
      return Queue.seen(config.sessionId, personId);
    }).then(function (left) {
      var view = localVerdict(personId, item.scanned_at, seen, left);
      view.nonce = item.nonce;
      view.pending = true;
      S.show(view, true);
      return Queue.markSeen(config.sessionId, personId, config.venueName, item.scanned_at);
    }).then(function () {
      window.DiemCauSync.refresh();
      setTimeout(send, 0);
    });
  }

  function card(token, personId) { return record({ token: token }, personId); }

  function pick(personId) { return record({ person_id: personId }, personId); }

  /* ---- the sender: one exit a request, oldest first, after the queued arrivals ---- */

  function wire(item) {
    var body = { venue_id: item.venue_id, scanned_at: item.scanned_at,
                 last_contact: item.last_contact };
    if (item.token) body.token = item.token; else body.person_id = item.person_id;
    return body;
  }

  function post(item) {
    return fetch(config.exitsUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": config.csrf },
      body: JSON.stringify(wire(item))
    });
  }

  /* Resolves true when the exit was answered (and more may wait); false to stop for now. */
  function sendOne(item) {
    return post(item).then(function (response) {
      if (response.status === 401 || response.redirected) return problem(t("signed_out"));
      return response.json().catch(function () { return {}; }).then(function (body) {
        var code = body && body.error && body.error.code;
        if (code === "csrf") return problem(t("signed_out"));
        if (response.status >= 500 || response.status === 429 || (!response.ok && !code)) {
          return problem(t("server_error")); // kept: sent again on the next round
        }
        problem("");
        return Queue.remove([item.nonce]).then(function () {
          answer(item, { ok: response.ok, body: body });
          return true;
        });
      });
    }, function () {
      return false; // no connection: everything stays queued
    });
  }

  /* A problem of the exits' sender goes on the station's status line, until it clears. */
  function problem(text) {
    var line = window.DiemCauSync.scanner;
    if (text || sender.problem) {
      if (line.state.problem === sender.problem) line.state.problem = text;
      sender.problem = text;
      line.line();
    }
    return false;
  }

  function answer(item, reply) {
    var view = serverVerdict(item, reply);
    view.nonce = item.nonce;
    view.pending = false;
    var before = S.state.shown[item.nonce];
    if (reply.ok) {
      Queue.markSeen(config.sessionId, item.person, config.venueName, reply.body.left_at);
    } else if (before && before.kind !== "err") {
      // the device had shown it as done: raise the station, whatever is on the panel now
      S.show(view, true);
      S.raise(t("exit_refused_later", { name: view.name || "?", reason: view.title }));
      return;
    }
    if (S.state.current === item.nonce) S.show(view, !before || before.kind !== view.kind);
    else S.remember(view);
  }

  function round() {
    return Arrivals.count(config.sessionId).then(function (arrivals) {
      if (arrivals) return false; // arrivals first: an exit needs its arrival on the server
      return Queue.waiting(config.sessionId, 1).then(function (items) {
        return items.length ? sendOne(items[0]) : false;
      });
    });
  }

  function send() {
    if (sender.sending) { sender.again = true; return Promise.resolve(); }
    if (!navigator.onLine) return Promise.resolve();
    sender.sending = true;
    sender.again = false;
    function loop() {
      return round().then(function (more) {
        if (more || sender.again) { sender.again = false; return loop(); }
      });
    }
    return loop().catch(function () { /* kept; next round */ }).then(function () {
      sender.sending = false;
      return window.DiemCauSync.refresh();
    });
  }

  function waiting() { return Queue.count(config.sessionId); }

  window.DiemCauExits = { active: active, card: card, pick: pick, waiting: waiting, send: send,
                          queue: Queue };

  document.addEventListener("DOMContentLoaded", function () {
    $("scan-mode").addEventListener("click", function (event) {
      var button = event.target.closest("[data-mode]");
      if (button) setMode(button.dataset.mode, true);
    });
    setMode(storedMode(), false);
    window.addEventListener("online", function () { setTimeout(send, 0); });
    send();
    setInterval(send, RETRY_EVERY);
  });
})();
