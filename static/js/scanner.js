/* Điểm Cầu scanner station: camera -> QR -> immediate answer from the device, then the server's.
 *
 * Every check-in (card, manual pick) goes into the device queue first (offline-queue.js) and is
 * sent by scanner-sync.js; the page answers at once from the roster snapshot, marked "chờ gửi"
 * until the server's answer replaces it. A card shows green only once the device verified it
 * (scanner-verify.js); what it cannot verify is amber "chưa xác minh", and a scan the server
 * refuses later is raised on the panel with the person's name. Search and walk-ins live in
 * scanner-people.js, citizen ID cards (CCCD) in scanner-citizen.js, the exit mode ("Ra về") in
 * scanner-exits.js. The panel #scan-result always carries data-outcome (the contract):
 * ready | accepted | duplicate | rejected | unverified (an exit recorded is "accepted", in indigo). A result stays a few seconds, then the
 * panel is back to "Sẵn sàng quét", so nobody reads one person's green as the next one's.
 */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) return;
  var Store = window.DiemCauStore;
  var TOKEN = /^DC1:(\d{1,10}):(\d{1,12}):(\d{1,6}):([A-Z2-7]{16})$/;
  var SAME_CODE_PAUSE = 3000; // ms the same code must stay out of view before it is read again
  var FRAME_EVERY = 150; // ms between decoded frames (about 6-7 a second)
  var SHOW_FOR = 5000; // ms a result stays on the panel after its last change

  var config = {
    sessionId: Number(root.dataset.sessionId),
    venueId: Number(root.dataset.venueId),
    venueName: root.dataset.venueName,
    rosterUrl: root.dataset.rosterUrl,
    checkinsUrl: root.dataset.checkinsUrl,
    walkinsUrl: root.dataset.walkinsUrl,
    exitsUrl: root.dataset.exitsUrl,
    endsAt: Date.parse(root.dataset.endsAt),
    swUrl: root.dataset.swUrl,
    lateAfter: Date.parse(root.dataset.lateAfter),
    categories: JSON.parse(root.dataset.categories || "{}"),
    venues: JSON.parse(root.dataset.venues || "{}"),
    messages: JSON.parse(root.dataset.messages || "{}"),
    csrf: (document.querySelector("meta[name=csrf-token]") || {}).content || ""
  };

  // mode: "in" (arrivals) or "out" (exits, scanner-exits.js)
  var state = { people: {}, countHere: Number(root.dataset.checkedIn) || 0, current: null,
                lastCode: "", lastCodeAt: 0, lastCodeLeft: false, shown: {}, mode: "in" };
  var OUTCOME = { ok: "accepted", out: "accepted", dup: "duplicate", err: "rejected",
                  unv: "unverified", idle: "ready" };

  function $(id) { return document.getElementById(id); }

  var Sync = window.DiemCauSync; // static/js/sync.js
  var t = Sync.translator(config.messages);

  /* "Nguyễn Văn Đức" -> "nguyen van duc", as attendance.text.fold does on the server. */
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  var timeFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit",
    hour12: false, timeZone: "Asia/Ho_Chi_Minh" });
  function hhmm(iso) { return iso ? timeFormat.format(new Date(iso)) : ""; }

  var newNonce = Sync.newNonce;

  /* ---- feedback: the big panel, the recent list, a beep and a buzz ---- */

  var audio = null;
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      var tones = { ok: [880], out: [880, 520], dup: [660, 660], err: [220] }[kind] || [];
      tones.forEach(function (freq, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        var start = audio.currentTime + i * 0.18, length = kind === "err" ? 0.35 : 0.12;
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.2, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + length);
        osc.connect(gain).connect(audio.destination);
        osc.start(start);
        osc.stop(start + length);
      });
    } catch (e) { /* no sound on this device */ }
    if (navigator.vibrate) navigator.vibrate({ ok: 80, out: [80, 40, 80], dup: [60, 60, 60], err: [300] }[kind] || 0);
  }

  function personDetail(person) {
    if (!person) return "";
    var category = person.category || config.categories[String(person.category_id)] || "";
    return [category, person.position, person.unit].filter(Boolean).join(" · ");
  }

  /* Where a person scanned here was invited, when it is another venue. */
  function invitedElsewhere(person) {
    var id = person && person.venue_id;
    if (!id || id === config.venueId) return "";
    return t("invited_at", { venue: config.venues[String(id)] || "?" });
  }

  function readyTitle() { return state.mode === "out" ? t("ready_exit") : t("ready"); }

  /* Show a verdict; ``view`` = {nonce, kind: ok|out|dup|err|unv|idle, title, name, detail,
   * where, pending}; back to "ready" SHOW_FOR after. */
  var backToReady = null;
  function show(view, sound) {
    state.current = view.nonce || null;
    var panel = $("scan-result");
    panel.className = "scan-result result-" + view.kind;
    panel.dataset.outcome = OUTCOME[view.kind] || "unverified";
    $("result-title").textContent = view.title;
    $("result-name").textContent = view.name || "";
    $("result-detail").textContent = view.detail || "";
    $("result-where").textContent = view.where || "";
    $("result-where").hidden = !view.where;
    $("result-pending").hidden = !view.pending;
    if (sound) beep(view.kind);
    if (view.nonce) remember(view);
    clearTimeout(backToReady);
    if (view.kind !== "idle") {
      backToReady = setTimeout(function () { show({ kind: "idle", title: readyTitle() }); }, SHOW_FOR);
    }
  }

  function remember(view) {
    state.shown[view.nonce] = { kind: view.kind, name: view.name };
    var list = $("recent");
    var item = list.querySelector('[data-nonce="' + view.nonce + '"]');
    if (!item) {
      item = document.createElement("li");
      item.dataset.nonce = view.nonce;
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 15) list.removeChild(list.lastChild);
    }
    item.className = "recent-" + view.kind + (view.pending ? " recent-pending" : "");
    item.textContent = (view.name ? view.name + " — " : "") + view.title +
      (view.pending ? " (" + t("pending") + ")" : "");
  }

  function setCount(id, value) { $(id).textContent = String(value); }

  /* ---- check-ins: queue first, answer from the device, then send ---- */

  function localVerdict(personId, seen) {
    var person = state.people[personId];
    if (seen) {
      return { kind: "dup", title: t("already", { venue: seen.venue, time: hhmm(seen.at) }),
               name: person ? person.full_name : "", detail: personDetail(person) };
    }
    if (!person) return { kind: "unv", title: t("unverified"), name: "", detail: t("unknown_name") };
    return { kind: "ok", title: Date.now() > config.lateAfter ? t("late") : t("present"),
             name: person.full_name, detail: personDetail(person),
             where: invitedElsewhere(person) };
  }

  /* What the device says of a card it verified as ``check`` (scanner-verify.js). */
  function cardVerdict(check, personId, seen) {
    var person = state.people[personId];
    if (check === "ok") return localVerdict(personId, seen);
    var name = person ? person.full_name : "";
    if (check === "unverified") {
      return { kind: "unv", title: t("unverified"), name: name,
               detail: person ? t("unverified_detail") : t("unknown_name") };
    }
    return { kind: "err", title: t(check), name: name, detail: personDetail(person) };
  }

  /* ``fields``: {token} for a card, {person_id, method: "manual"} for a pick from the list.
   * ``check``: the device's verification of a card ("ok", "unverified", or a refusal code);
   * a pick from the roster is the staff's own word ("ok"). */
  function checkIn(fields, personId, check) {
    check = check || "ok";
    // last_contact: the server's time this device last heard (a clock set back then shows)
    var item = { nonce: newNonce(), session_id: config.sessionId, venue_id: config.venueId,
                 scanned_at: new Date().toISOString(), last_contact: Sync.lastContact() };
    Object.keys(fields).forEach(function (k) { item[k] = fields[k]; });
    return Store.enqueue(item).then(function () {
      return Store.seen(config.sessionId, personId);
    }).then(function (seen) {
      var view = cardVerdict(check, personId, seen);
      view.nonce = item.nonce;
      view.pending = true;
      show(view, true);
      // only what the device stands behind counts here before the server has answered
      if (!seen && view.kind === "ok") {
        return Store.markSeen(config.sessionId, personId, config.venueName, item.scanned_at);
      }
    }).then(function () {
      window.DiemCauSync.refresh();
      window.DiemCauSync.sendSoon();
    });
  }

  /* A card held in view is read once. It is read again only after a frame without it and
   * 3 s after it was last seen: on a busy phone frames may come more than 3 s apart, and a
   * card that never left must not be taken for one shown again. */
  function onCode(text) {
    var now = Date.now();
    var again = text === state.lastCode;
    var held = again && (!state.lastCodeLeft || now - state.lastCodeAt < SAME_CODE_PAUSE);
    state.lastCode = text;
    state.lastCodeAt = now;
    state.lastCodeLeft = false;
    if (held) return;
    var exits = state.mode === "out" && window.DiemCauExits;
    if (exits && String(text).indexOf("|") >= 0) {
      show({ kind: "err", title: t("exit_no_citizen") }, true); // exits go by the session's card
      return;
    }
    if (!exits && window.DiemCauCitizen && window.DiemCauCitizen.take(text)) return; // a CCCD
    var token = String(text).trim().toUpperCase();
    var match = TOKEN.exec(token);
    if (!match) {
      show({ kind: "err", title: t("malformed") }, true);
      return;
    }
    if (Number(match[1]) !== config.sessionId) {
      show({ kind: "err", title: t("wrong_session") }, true);
      return;
    }
    var personId = Number(match[2]);
    if (exits) {
      exits.card(token, personId);
      return;
    }
    window.DiemCauVerify.card(token, Number(match[3]), state.people[personId]).then(function (check) {
      checkIn({ token: token }, personId, check);
    });
  }

  /* The server's answer to one queued scan (from scanner-sync.js or the walk-in form). */
  function answer(result) {
    if (window.DiemCauCitizen && window.DiemCauCitizen.answered(result)) return;
    var kind = { accepted: "ok", duplicate: "dup", rejected: "err" }[result.outcome] || "err";
    var person = result.person;
    if (result.outcome === "accepted" && result.venue && result.venue.id === config.venueId) {
      state.countHere += 1;
      setCount("count-here", state.countHere);
    }
    if (person && kind !== "err" && result.venue) {
      Store.markSeen(config.sessionId, person.id, result.venue.name, result.at);
    }
    var before = state.shown[result.nonce];
    var name = person ? person.full_name : (before && before.name) || "";
    var view = { nonce: result.nonce, kind: kind, title: result.message,
                 name: name, detail: personDetail(person), where: invitedElsewhere(person),
                 pending: false };
    if (kind === "err" && before && before.kind !== "err") {
      // The device had let it through (or could not tell): raise the station, whatever
      // is on the panel now, and keep a line up until staff dismiss it.
      show(view, true);
      raise(t("refused_later", { name: name || "?", reason: result.message }));
    } else if (state.current === result.nonce) {
      // still on the panel: the server's word replaces the device's (a new result resets it)
      show(view, $("scan-result").className.indexOf("result-" + kind) < 0);
    } else {
      remember(view);
    }
  }

  function raise(text) {
    var alert = $("scan-alert");
    $("scan-alert-text").textContent = text;
    alert.hidden = false;
  }

  /* ---- camera ---- */

  function startCamera() {
    var video = $("camera"), note = $("camera-note"), button = $("camera-start");
    function off() {
      video.hidden = true; // no black box: the search below takes its place
      note.textContent = t("camera_off");
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      off();
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        button.hidden = true;
        note.textContent = t("camera_on");
        return video.play();
      })
      .then(function () { decodeLoop(video); })
      .catch(function () {
        off();
        button.hidden = false;
      });
  }

  function decodeLoop(video) {
    var canvas = $("frame");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    setInterval(function () {
      if (video.readyState < 2 || !video.videoWidth) return;
      var scale = Math.min(1, 640 / video.videoWidth);
      var width = Math.round(video.videoWidth * scale), height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width) { canvas.width = width; canvas.height = height; }
      context.drawImage(video, 0, 0, width, height);
      var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height,
                             { inversionAttempts: "dontInvert" });
      if (code && code.data) onCode(code.data);
      else noCode();
    }, FRAME_EVERY);
  }

  /* A frame in which no code was read: the last card has left the view. */
  function noCode() {
    state.lastCodeLeft = true;
  }

  /* ---- start ---- */

  window.DiemCauScanner = { config: config, state: state, t: t, fold: fold, hhmm: hhmm,
                            newNonce: newNonce, show: show, answer: answer, checkIn: checkIn,
                            setCount: setCount, onCode: onCode, noCode: noCode, remember: remember, raise: raise,
                            readyTitle: readyTitle };

  document.addEventListener("DOMContentLoaded", function () {
    $("camera-start").addEventListener("click", startCamera);
    $("scan-alert-close").addEventListener("click", function () { $("scan-alert").hidden = true; });
    startCamera();
    Sync.registerWorker(config.swUrl, function (worker) {
      // Keep this very page for an offline reload (its first load did not pass the worker).
      if (worker) worker.postMessage({ keep: location.href });
    });
  });
})();
