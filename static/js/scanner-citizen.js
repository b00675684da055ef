/* Điểm Cầu scanner: a citizen ID card (căn cước công dân, CCCD) shown to the camera.
 *
 * Its QR reads "number|old number|full name|ddmmyyyy birth|sex|address|ddmmyyyy issued". The
 * device checks the shape, queues the scan like a card's (the server finds the holder by the
 * number's keyed hash, or by name and birth date: attendance/checkin/citizen.py) and shows the
 * name amber until the server answers. The address never leaves the card: it is blanked before
 * the scan is queued. A card that matches no one opens the walk-in form with the name filled
 * in; its birth date and number go with the registration (the number is kept only hashed).
 */
(function () {
  "use strict";

  var S = window.DiemCauScanner, Store = window.DiemCauStore;
  if (!S) return;
  var NUMBER = /^\d{12}$/, OLD_NUMBER = /^(\d{9}|\d{12})?$/, DATE = /^(\d{2})(\d{2})(\d{4})$/;
  var cards = {}; // nonce -> the card's name, birth date and number, while this page is open
  var walkIn = null; // the card the walk-in form was filled from

  function $(id) { return document.getElementById(id); }

  function realDate(text) {
    var m = DATE.exec(text);
    if (!m) return null;
    var d = new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])));
    var ok = d.getUTCDate() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && Number(m[3]) >= 1900;
    return ok ? m[1] + "/" + m[2] + "/" + m[3] : null;
  }

  /* The card's fields, or null when it is not a card's seven fields. */
  function read(text) {
    var fields = String(text).trim().split("|").map(function (f) { return f.trim(); });
    if (fields.length !== 7) return null;
    var birth = realDate(fields[3]), issued = realDate(fields[6]);
    if (!NUMBER.test(fields[0]) || !OLD_NUMBER.test(fields[1]) || !fields[2] || !birth || !issued) return null;
    fields[5] = ""; // the address stays on the card
    return { number: fields[0], name: fields[2], birth: birth, wire: fields.join("|") };
  }

  /* onCode's first look: true when ``text`` was a citizen ID card (handled here). */
  function take(text) {
    if (String(text).indexOf("|") < 0) return false;
    var card = read(text);
    if (!card) {
      S.show({ kind: "err", title: S.t("bad_citizen_card") }, true);
      return true;
    }
    var item = { nonce: S.newNonce(), session_id: S.config.sessionId, venue_id: S.config.venueId,
                 scanned_at: new Date().toISOString(),
                 last_contact: window.DiemCauSync.lastContact(), token: card.wire };
    cards[item.nonce] = card;
    Store.enqueue(item).then(function () {
      S.show({ nonce: item.nonce, kind: "unv", title: S.t("citizen_checking"), name: card.name,
               detail: S.t("citizen_detail", { date: card.birth }), pending: true }, true);
      window.DiemCauSync.refresh();
      window.DiemCauSync.sendSoon();
    });
    return true;
  }

  /* The server's answer to a scan: true when it was an unknown card, handled here. */
  function answered(result) {
    var card = cards[result.nonce];
    if (!card || result.code !== "unknown_person") return false;
    delete cards[result.nonce];
    S.show({ nonce: result.nonce, kind: "err", title: S.t("citizen_unknown"), name: card.name,
             detail: S.t("citizen_detail", { date: card.birth }).split(";")[0] }, true);
    fillWalkIn(card);
    return true;
  }

  function fillWalkIn(card) {
    walkIn = card;
    var panel = $("walkin-panel");
    panel.open = true;
    $("walkin-name").value = card.name;
    var note = $("walkin-citizen");
    note.textContent = S.t("citizen_from", { date: card.birth, last: card.number.slice(-4) });
    note.hidden = false;
    panel.scrollIntoView({ block: "start" });
    $("walkin-category").focus();
  }

  function walkInFields() {
    return walkIn ? { birth_date: walkIn.birth, cccd: walkIn.number } : {};
  }

  function walkInDone() {
    walkIn = null;
    $("walkin-citizen").hidden = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Closing the form by hand drops the card it was filled from.
    $("walkin-panel").addEventListener("toggle", function () {
      if (!$("walkin-panel").open && walkIn) walkInDone();
    });
  });

  window.DiemCauCitizen = { take: take, answered: answered, read: read,
                            walkInFields: walkInFields, walkInDone: walkInDone };
})();
