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
