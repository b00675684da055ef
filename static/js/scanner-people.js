/* Điểm Cầu scanner: the venue's roster snapshot (kept on the device), search for a forgotten
 * card (accent-insensitive name or phone's last digits) and walk-in registration.
 */
(function () {
  "use strict";

  var S = window.DiemCauScanner, Store = window.DiemCauStore;
  if (!S) return;
  var MAX_RESULTS = 20;
  var index = []; // [{person, name: folded full name}]

  function $(id) { return document.getElementById(id); }

  function useRoster(snapshot) {
    var people = (snapshot && snapshot.people) || [];
    S.state.people = {};
    index = people.map(function (person) {
      S.state.people[person.id] = person;
      return { person: person, name: S.fold(person.full_name) };
    });
    people.forEach(function (person) {
      // checked in before this snapshot (on any device): the device knows it from now on
      var came = person.checked_in;
      if (!came) return;
      Store.seen(S.config.sessionId, person.id).then(function (seen) {
        if (!seen) {
          Store.markSeen(S.config.sessionId, person.id,
                         S.config.venues[String(came.venue_id)] || "", came.at);
        }
      });
    });
    $("roster-info").textContent = snapshot
      ? S.t("roster", { n: people.length, time: S.hhmm(snapshot.saved_at) }) : S.t("roster_none");
    search();
  }

  /* The stored snapshot at once, then a fresh one when the server can be reached. */
  function loadRoster() {
    var sid = S.config.sessionId, vid = S.config.venueId;
    return Store.loadRoster(sid, vid).then(function (stored) {
      if (stored) useRoster(stored);
      return fetch(S.config.rosterUrl, { credentials: "same-origin", cache: "no-store",
                                         headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok || response.redirected) throw new Error("roster " + response.status);
          return response.json();
        })
        .then(function (body) {
          return Store.saveRoster(sid, vid, body.people || []).then(function () {
            return Store.loadRoster(sid, vid);
          });
        })
        .then(useRoster)
        .catch(function () { if (!stored) useRoster(null); });
    });
  }

  function addToRoster(person) {
    var people = index.map(function (entry) { return entry.person; }).filter(function (p) {
      return p.id !== person.id;
    });
    people.push(person);
    return Store.saveRoster(S.config.sessionId, S.config.venueId, people).then(function () {
      return Store.loadRoster(S.config.sessionId, S.config.venueId);
    }).then(useRoster);
  }

  /* ---- forgotten card: search the snapshot ---- */

  function matches(query) {
    var text = query.trim();
    if (!text) return [];
    var digits = text.replace(/[\s.\-]/g, "");
    if (/^\d{2,}$/.test(digits)) {
      return index.filter(function (e) {
        var last4 = e.person.phone_last4 || "";
        return last4 && (digits.length <= 4 ? last4.slice(-digits.length) === digits
                                            : digits.slice(-4) === last4);
      });
    }
    var words = S.fold(text).split(" ");
    if (words.join("").length < 2) return [];
    return index.filter(function (e) {
      return words.every(function (word) { return e.name.indexOf(word) >= 0; });
    });
  }

  function search() {
    var list = $("search-results");
    var query = $("search").value;
    list.textContent = "";
    var found = matches(query).slice(0, MAX_RESULTS);
    if (query.trim() && !found.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = S.t("no_match");
      list.appendChild(none);
    }
    found.forEach(function (entry) {
      var person = entry.person;
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "person-pick outline";
      button.dataset.personId = person.id;
      var name = document.createElement("strong");
      name.textContent = person.full_name;
      var detail = document.createElement("small");
      detail.textContent = [S.config.categories[String(person.category_id)], person.position,
                            person.unit].filter(Boolean).join(" · ");
      button.appendChild(name);
      button.appendChild(detail);
      item.appendChild(button);
      list.appendChild(item);
      Store.seen(S.config.sessionId, person.id).then(function (seen) {
        if (seen) {
          // who is in already, when and where (as this device knows it)
          var mark = document.createElement("span");
          mark.className = "badge badge-in";
          mark.textContent = S.t("checked_in_at", { time: S.hhmm(seen.at), venue: seen.venue });
          button.dataset.seenAt = S.hhmm(seen.at);
          name.appendChild(document.createTextNode(" "));
          name.appendChild(mark);
        }
      });
    });
  }

  /* A tap on a result asks first, in the list; only "Xác nhận điểm danh" checks the person in
   * (a wrong tap among look-alike names costs nothing). In exit mode the same asks "Ghi ra
   * về", and the pick is an exit (scanner-exits.js). */
  function exiting() { return S.state.mode === "out" && window.DiemCauExits; }

  function pick(event) {
    var yes = event.target.closest("button[data-confirm-person]");
    if (yes) {
      var id = Number(yes.dataset.confirmPerson);
      if (exiting()) window.DiemCauExits.pick(id);
      else S.checkIn({ person_id: id, method: "manual" }, id);
      $("search").value = "";
      search();
      return;
    }
    if (event.target.closest("button[data-cancel-pick]")) {
      closeAsk();
      return;
    }
    var button = event.target.closest("button[data-person-id]");
    if (!button) return;
    closeAsk();
    var person = S.state.people[button.dataset.personId] || {};
    var ask = document.createElement("div");
    ask.className = "pick-confirm";
    ask.setAttribute("role", "group");
    var question = document.createElement("p");
    if (exiting()) question.textContent = S.t("confirm_exit", { name: person.full_name });
    else question.textContent = button.dataset.seenAt
      ? S.t("confirm_again", { name: person.full_name, time: button.dataset.seenAt })
      : S.t("confirm_pick", { name: person.full_name });
    var ok = document.createElement("button");
    ok.type = "button";
    ok.dataset.confirmPerson = button.dataset.personId;
    ok.textContent = exiting() ? S.t("confirm_exit_yes") : S.t("confirm_yes");
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary outline";
    cancel.dataset.cancelPick = "1";
    cancel.textContent = S.t("cancel");
    ask.appendChild(question);
    ask.appendChild(ok);
    ask.appendChild(cancel);
    button.parentNode.appendChild(ask);
    ok.focus();
  }

  function closeAsk() {
    Array.prototype.forEach.call(document.querySelectorAll(".pick-confirm"), function (el) {
      el.parentNode.removeChild(el);
    });
  }

  /* ---- walk-in: needs the connection ---- */

  function walkInMessage(text) {
    var line = $("walkin-message");
    line.textContent = text || "";
    line.hidden = !text;
  }

  function register(event) {
    event.preventDefault();
    var form = event.target;
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    // What is required is said at once, every field together, before anything is sent.
    var missing = {};
    if (!form.full_name.value.trim()) missing.full_name = S.t("required");
    if (!form.category_id.value) missing.category_id = S.t("choose_category");
    if (Object.keys(missing).length) {
      Object.keys(missing).forEach(function (field) {
        form.querySelector('[data-error-for="' + field + '"]').textContent = missing[field];
      });
      form.querySelector(missing.full_name ? "#walkin-name" : "#walkin-category").focus();
      return;
    }
    if (!navigator.onLine) { walkInMessage(S.t("walkin_offline")); return; }
    walkInMessage("");
    var button = form.querySelector("button[type=submit]");
    var body = { nonce: S.newNonce(), venue_id: S.config.venueId, scanned_at: new Date().toISOString(),
                 last_contact: window.DiemCauSync.lastContact(), full_name: form.full_name.value, position: form.position.value,
                 unit: form.unit.value, phone: form.phone.value,
                 category_id: Number(form.category_id.value),
                 party_member: form.party_member.checked };
    var citizen = window.DiemCauCitizen; // birth date and ID number of a card that matched no one
    if (citizen) Object.assign(body, citizen.walkInFields());
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    fetch(S.config.walkinsUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": S.config.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (reply) {
      if (!reply.ok) {
        var error = reply.data.error || {};
        Object.keys(error.fields || {}).forEach(function (field) {
          var slot = form.querySelector('[data-error-for="' + field + '"]');
          if (slot) slot.textContent = error.fields[field];
        });
        walkInMessage(error.message || S.t("server_error"));
        return;
      }
      form.reset();
      if (citizen) citizen.walkInDone();
      $("walkin-panel").open = false;
      return addToRoster(reply.data.person).then(function () {
        S.show({ nonce: reply.data.result.nonce, kind: "info", title: "", pending: true }, false);
        S.answer(reply.data.result);
      });
    }, function () {
      walkInMessage(S.t("walkin_offline"));
    }).then(function () {
      button.removeAttribute("aria-busy");
      button.disabled = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("search").addEventListener("input", search);
    $("search-results").addEventListener("click", pick);
    $("walkin-form").addEventListener("submit", register);
    loadRoster();
  });
})();
