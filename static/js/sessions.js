// Session set-up pages: ask before submitting a form marked data-confirm (removing a venue
// or a category). Without JavaScript the form still works; the server refuses what is in use.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
