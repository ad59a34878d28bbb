// The upload form says at once when the chosen files are larger together than the server
// accepts, instead of sending them first (the server refuses such a request before reading
// it, and a browser still sending may then show only a connection error).
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  var message = document.getElementById("upload-te-groot");
  if (!form || !message || !form.dataset.maxBytes) {
    return;
  }
  var limit = Number(form.dataset.maxBytes);

  form.addEventListener("submit", function (event) {
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
      });
    });
    if (total > limit) {
      event.preventDefault();
      message.hidden = false;
      message.focus();
    } else {
      message.hidden = true;
    }
  });
})();
