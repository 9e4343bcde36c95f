// fieldapp: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Stamp the device's own time on one-tap status forms when the user taps.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-device-time")) {
      var field = form.querySelector("input[name=recorded_at]");
      if (field) field.value = new Date().toISOString();
    }
  });

  // The dispatcher's board refreshes itself.
  function refreshBoard(board) {
    var url = board.getAttribute("data-refresh-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("board refresh failed");
        return response.text();
      })
      .then(function (html) {
        board.innerHTML = html;
        var stamp = document.getElementById("board-updated");
        if (stamp) stamp.textContent = "Last updated " + new Date().toLocaleTimeString();
      })
      .catch(function () {
        var stamp = document.getElementById("board-updated");
        if (stamp) stamp.textContent = "Could not update; retrying.";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (board) setInterval(function () { if (!document.hidden) refreshBoard(board); }, 10000);
  });
})();
