/* Điểm Cầu: the roll's search (templates/roll/page.html): typing part of a name, accents and
 * case ignored, shows only the people who match, with their category's heading; the category
 * links above jump to a category (plain anchors, no script needed). */
(function () {
  "use strict";

  var input = document.getElementById("roll-search");
  var root = document.getElementById("roll");
  if (!input || !root) return;
  var messages = JSON.parse(root.dataset.messages || "{}");

  /* "Nguyễn Văn Đức" -> "nguyen van duc", as attendance.text.fold (and data-name) have it. */
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function filter() {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(root.querySelectorAll(".roll-group"), function (group) {
      var inGroup = 0;
      Array.prototype.forEach.call(group.querySelectorAll("li.roll-person"), function (li) {
        var name = li.dataset.name || "";
        var hit = words.every(function (w) { return name.indexOf(w) >= 0; });
        li.hidden = !hit;
        if (hit) inGroup += 1;
      });
      group.hidden = words.length > 0 && inGroup === 0;
      shown += inGroup;
    });
    var info = document.getElementById("roll-search-info");
    info.hidden = !words.length;
    info.textContent = shown ? (messages.shown || "%(n)s").replace("%(n)s", shown)
                             : (messages.no_match || "");
  }

  input.addEventListener("input", filter);
})();
