// A running import or index run: ask the server how far it is and say so in the status
// message (a live region, so screen readers hear each new step); reload the page when the job
// has ended, which then shows its summary or why it failed. Without JavaScript the page has a
// link to refresh it by hand.
(function () {
  "use strict";

  var status = document.getElementById("taak-status");
  if (!status || !status.dataset.statusUrl || !window.fetch) {
    return;
  }
  var url = status.dataset.statusUrl;

  function poll() {
    window
      .fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (job) {
        if (status.textContent !== job.text) {
          status.textContent = job.text;
        }
        status.dataset.state = job.state;
        if (job.active) {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
