// The job page: ask the API for the job's state every second until it is done or failed,
// and move the progress bar; the file's link appears when it is ready.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-job-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var error = document.getElementById("job-error");
  var download = document.getElementById("job-download");
  var link = document.getElementById("job-download-link");

  function show(job) {
    box.setAttribute("data-state", job.state);
    bar.value = job.progress;
    percent.textContent = job.progress;
    Array.prototype.forEach.call(box.querySelectorAll("[data-when]"), function (el) {
      el.hidden = el.getAttribute("data-when") !== job.state;
    });
    if (job.error) {
      error.textContent = job.error.message;
      error.hidden = false;
    }
    if (job.download) {
      link.href = job.download;
      download.hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (job) show(job);
        if (!job || (job.state !== "done" && job.state !== "failed")) setTimeout(poll, 1000);
        else if (job.what === "roster" || box.hasAttribute("data-reload")) {
          window.location.reload(); // the page shows the result (an import's rows)
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  var state = box.getAttribute("data-state");
  if (state !== "done" && state !== "failed") poll();
})();
