// Jump the call recording to a turn's start time when its time is clicked.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.seek");
  var audio = document.getElementById("call-audio");
  if (!button || !audio) { return; }
  audio.currentTime = parseFloat(button.dataset.start) || 0;
  audio.play();
});

// Print buttons (the certificate page): a listener here, since the policy allows no inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});

// The transcript follows the call recording: the turn being played is highlighted (and kept in
// view), and clicking a turn plays the call from its start.
(function () {
  var audio = document.getElementById("call-audio");
  if (!audio) { return; }
  var turns = Array.prototype.slice.call(document.querySelectorAll("ol.transcript li.turn[data-start]"));
  var playing = null;
  audio.addEventListener("timeupdate", function () {
    var t = audio.currentTime, found = null;
    turns.forEach(function (li) {
      if (parseFloat(li.dataset.start) <= t && t < Math.max(parseFloat(li.dataset.end), parseFloat(li.dataset.start) + 0.05)) { found = li; }
    });
    if (found === playing) { return; }
    if (playing) { playing.classList.remove("playing"); playing.removeAttribute("aria-current"); }
    playing = found;
    if (found) {
      found.classList.add("playing");
      found.setAttribute("aria-current", "true");
      if (!audio.paused) { found.scrollIntoView({block: "nearest"}); }
    }
  });
  turns.forEach(function (li) {
    li.addEventListener("click", function (event) {
      if (event.target.closest("a, button, select, textarea, input")) { return; }
      audio.currentTime = parseFloat(li.dataset.start) || 0;
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }  // no sound device: the seek still holds
    });
  });
})();
