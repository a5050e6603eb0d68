// Issuing: follow the rendering done in the background, then open the page that says how it ended.
// Without this script, the page offers a link to refresh.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var box = document.querySelector("[data-progress]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var message = box.querySelector(".progress-message");

  function tick() {
    fetch(box.getAttribute("data-progress"), { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return true; }
        if (data.total) { bar.max = data.total; bar.value = data.done; }
        if (message.textContent !== data.message) { message.textContent = data.message; }
        if (data.state !== "rendering") { window.location.assign(data.url); return false; }
        return true;
      })
      .catch(function () { return true; /* offline for a moment: try again */ })
      .then(function (again) { if (again) { window.setTimeout(tick, POLL_MS); } });
  }
  window.setTimeout(tick, POLL_MS);
})();
