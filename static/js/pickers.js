/* Điểm Cầu: a venue field of a large session, and the users page's venue and unit fields
 * (templates/_pickers.html). As one types, the matching venues or units (GET
 * data-venue-picker?q=, by name, accents and case ignored) become the text box's
 * suggestions; the one chosen puts its id in the hidden field named data-venue-field. A name
 * typed and not chosen leaves the id empty: the server resolves the name
 * (webapp/pickers.py) or says it names nothing. */
(function () {
  "use strict";

  function attach(input) {
    var form = input.form;
    var hidden = form && form.querySelector('input[type=hidden][name="' + input.dataset.venueField + '"]');
    var list = document.getElementById(input.getAttribute("list"));
    if (!hidden || !list) return;
    var ids = {};  // name -> id of the suggestions shown
    var timer = null;
    var asked = 0;

    function choose() {
      var id = ids[input.value];
      hidden.value = id !== undefined ? String(id) : "";
    }

    function suggest() {
      var number = ++asked;
      fetch(input.dataset.venuePicker + "?q=" + encodeURIComponent(input.value.trim()),
            { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { venues: [] }; })
        .then(function (body) {
          if (number !== asked) return;  // an older answer after a newer question
          ids = {};
          list.textContent = "";
          (body.venues || body.units || []).forEach(function (venue) {
            ids[venue.name] = venue.id;
            var option = document.createElement("option");
            option.value = venue.name;
            list.appendChild(option);
          });
          choose();
        })
        .catch(function () {});  // offline: the server resolves the typed name
    }

    input.addEventListener("input", function () {
      choose();
      clearTimeout(timer);
      timer = setTimeout(suggest, 200);
    });
    input.addEventListener("change", choose);
    if (input.value) ids[input.value] = hidden.value ? Number(hidden.value) : undefined;
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-venue-picker]"), attach);
})();
