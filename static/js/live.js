// Live workshop pages: follow the room's current step, refresh the projector board, count down the step's time,
// and keep what a person types in the browser until the server has it. Every page works without this script.
(function () {
  "use strict";

  var POLL_MS = 2000;
  // How long a phone waits for the next step's page before asking for it again.
  var FOLLOW_RETRY_MS = 8000;

  // Ask the server every two seconds; it answers 304 (nothing new) most of the time. When ``onChange`` returns
  // false (the page is leaving for another one), polling stops, so a slow page load is never asked for twice.
  function poll(url, onChange) {
    var etag = null;
    var stopped = false;
    function tick() {
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 200) {
            etag = response.headers.get("ETag");
            return response.json().then(function (data) { stopped = onChange(data) === false; });
          }
          return null;
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .then(function () { if (!stopped) { window.setTimeout(tick, POLL_MS); } });
    }
    tick();
  }

  // --- unsent drafts -------------------------------------------------------------------------------------------

  function draftKey(form) { return "draft:" + form.getAttribute("data-draft"); }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.name !== "csrf_token" && element.name !== "submission_key" &&
        element.type !== "hidden" && element.type !== "submit";
    });
  }

  function saveDraft(form) {
    var values = {};
    fields(form).forEach(function (element) {
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) { (values[element.name] = values[element.name] || []).push(element.value); }
      } else {
        values[element.name] = element.value;
      }
    });
    try { window.localStorage.setItem(draftKey(form), JSON.stringify(values)); } catch (e) { /* storage full or off */ }
  }

  function isEmpty(form) {
    return fields(form).every(function (element) {
      return element.tagName !== "TEXTAREA" || !element.value.trim();
    });
  }

  function restoreDraft(form) {
    var stored;
    try { stored = JSON.parse(window.localStorage.getItem(draftKey(form)) || "null"); } catch (e) { stored = null; }
    if (!stored) { return; }
    if (window.sessionStorage.getItem(draftKey(form)) === "sent" && document.querySelector(".message-success")) {
      window.localStorage.removeItem(draftKey(form));
      window.sessionStorage.removeItem(draftKey(form));
      return;
    }
    window.sessionStorage.removeItem(draftKey(form));
    if (!isEmpty(form)) { return; } // the server sent back what was typed: it wins
    fields(form).forEach(function (element) {
      var value = stored[element.name];
      if (value === undefined) { return; }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = Array.isArray(value) && value.indexOf(element.value) !== -1;
      } else {
        element.value = value;
      }
    });
  }

  var dirty = false;
  Array.prototype.forEach.call(document.querySelectorAll("form.keeps-draft[data-draft]"), function (form) {
    restoreDraft(form);
    form.addEventListener("input", function () { dirty = true; saveDraft(form); });
    form.addEventListener("change", function () { saveDraft(form); });
    form.addEventListener("submit", function () {
      saveDraft(form);
      window.sessionStorage.setItem(draftKey(form), "sent");
    });
  });

  // --- phones follow the room --------------------------------------------------------------------------------

  var follow = document.querySelector(".live-follow[data-poll]");
  if (follow) {
    var shownStep = follow.getAttribute("data-step");
    var shownState = follow.getAttribute("data-state");
    poll(follow.getAttribute("data-poll"), function (data) {
      var step = data.step === null ? "" : String(data.step);
      if (step === shownStep && data.state === shownState) { return; }
      if (!dirty) {
        // Stop polling: a slow load is never asked for twice. But a navigation the phone dropped (a network
        // hiccup, a cancelled load) would leave it on the old step for good, so ask again after a long wait.
        window.location.assign(data.url);
        window.setInterval(function () { window.location.assign(data.url); }, FOLLOW_RETRY_MS);
        return false;
      }
      var notice = follow.querySelector(".live-notice");
      if (notice) { notice.hidden = false; }
    });
  }

  // --- the projector ---------------------------------------------------------------------------------------------

  var board = document.querySelector("[data-board]");
  if (board) {
    poll(board.getAttribute("data-board"), function (data) {
      board.innerHTML = data.html;
      startTimers();
    });
  }

  // --- phones: the live chart of the room's vote ---------------------------------------------------------------

  var results = document.querySelector("[data-results]");
  if (results) {
    var chart = results.querySelector(".results-chart");
    poll(results.getAttribute("data-results"), function (data) {
      if (chart && data.html) { chart.innerHTML = data.html; }
    });
  }

  // --- step timers -------------------------------------------------------------------------------------------------

  var timerHandle = null;
  function startTimers() {
    if (timerHandle) { window.clearInterval(timerHandle); }
    var timers = document.querySelectorAll(".timer[data-ends-at]");
    if (!timers.length) { return; }
    function update() {
      Array.prototype.forEach.call(timers, function (timer) {
        var left = Math.max(0, Math.round((Date.parse(timer.getAttribute("data-ends-at")) - Date.now()) / 1000));
        var clock = timer.querySelector(".countdown");
        if (!clock) {
          clock = document.createElement("span");
          clock.className = "countdown";
          clock.setAttribute("aria-hidden", "true");
          clock.dir = "ltr";
          timer.appendChild(document.createTextNode(" "));
          timer.appendChild(clock);
        }
        var minutes = Math.floor(left / 60);
        var seconds = left % 60;
        clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
        timer.classList.toggle("timer-over", left === 0);
      });
    }
    update();
    timerHandle = window.setInterval(update, 1000);
  }
  startTimers();
})();
