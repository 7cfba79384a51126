// The review page: the live score as the reviewer changes decisions, and keyboard shortcuts.
// The score formula mirrors scoring/formula.py exactly (same order of operations, Python's
// round-half-even), so the figure shown is the one the server stores; the server stays authoritative.
(function () {
  "use strict";

  // Python's round(x, digits) on a double: JS toFixed rounds the exact binary value too, but
  // breaks exact ties upwards where Python picks the even neighbour. An exact tie at `digits`
  // places is x = odd / 2^(digits+1), which multiplying by that power of two (exact) reveals.
  function roundHalfEven(x, digits) {
    var q = x * Math.pow(2, digits + 1);
    if (Number.isInteger(q) && Math.abs(q % 2) === 1) {
      var scale = Math.pow(10, digits);
      var low = Math.floor(x * scale);
      return (low % 2 === 0 ? low : low + 1) / scale;
    }
    return Number(x.toFixed(digits));
  }

  function formatScore(value) {  // the `score` template filter: one decimal
    return roundHalfEven(value, 1).toFixed(1);
  }

  // rows: [{result, score, weight, critical}] after the decisions; as scoring.formula.total_score
  function totalScore(rows) {
    var totalWeight = 0, total = 0, failed = false;
    rows.forEach(function (r) {
      if (r.critical && r.result === "fail") { failed = true; }
      if (r.result === "na" || r.weight <= 0) { return; }
      totalWeight += r.weight;
      total += r.weight * r.score;
    });
    if (failed) { return {score: 0, autoFail: true}; }
    if (totalWeight === 0) { return {score: 100, autoFail: false}; }
    return {score: roundHalfEven(100.0 * total / totalWeight, 2), autoFail: false};
  }

  // as services.review.apply_decisions: agreeing (or choosing the same result) keeps the
  // criterion's own score, partial credit included; an override scores 1, 0 or not at all
  function decided(row) {
    var base = row.dataset.result, select = row.querySelector("select.decision");
    var choice = select ? select.value : "agree";
    var result = choice === "agree" ? base : choice;
    var score = result === base ? parseFloat(row.dataset.score) : {pass: 1.0, fail: 0.0, na: null}[result];
    return {result: result, score: score, weight: parseFloat(row.dataset.weight),
            critical: row.dataset.critical === "1"};
  }

  window.qadeskReview = {roundHalfEven: roundHalfEven, formatScore: formatScore, totalScore: totalScore};

  var form = document.querySelector("form.review-form:not(.dispute-resolve)");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr.criterion"));
  var turns = Array.prototype.slice.call(document.querySelectorAll("ol.transcript li.turn"));
  var live = document.getElementById("live-score");
  var liveFail = document.getElementById("live-auto-fail");
  var currentRow = -1, currentTurn = -1;

  function refresh() {
    var total = totalScore(rows.map(decided));
    live.textContent = formatScore(total.score);
    live.dataset.score = String(total.score);
    if (liveFail) { liveFail.hidden = !total.autoFail; }
    rows.forEach(function (row) {
      var d = decided(row);
      row.classList.toggle("changed", d.result !== row.dataset.result);
    });
  }

  function select(list, index, cls) {
    if (!list.length) { return -1; }
    index = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (el) { el.classList.remove(cls); });
    list[index].classList.add(cls);
    list[index].scrollIntoView({block: "nearest"});
    return index;
  }

  function moveTurn(step) {
    currentTurn = select(turns, currentTurn + step, "current-turn");
    var audio = document.getElementById("call-audio");
    var turn = turns[currentTurn];
    if (audio && turn && turn.dataset.start) { audio.currentTime = parseFloat(turn.dataset.start) || 0; }
  }

  function moveRow(step) { currentRow = select(rows, currentRow + step, "current"); }

  function setDecision(override) {
    if (currentRow < 0) { moveRow(1); }
    var row = rows[currentRow], box = row.querySelector("select.decision");
    if (!override) {
      box.value = "agree";
    } else {  // cycle through the results other than the one the row has now
      var options = ["pass", "fail", "na"].filter(function (r) { return r !== row.dataset.result; });
      var at = options.indexOf(box.value);
      box.value = options[(at + 1) % options.length];
    }
    refresh();
  }

  function focusField(el) { if (el) { el.focus(); el.scrollIntoView({block: "nearest"}); } }

  function saveAndNext() {
    var button = form.querySelector("button[name=then][value=next]");
    if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
  }

  var keys = {
    j: function () { moveTurn(1); }, k: function () { moveTurn(-1); },
    n: function () { moveRow(1); }, p: function () { moveRow(-1); },
    a: function () { setDecision(false); }, o: function () { setDecision(true); },
    c: function () {
      if (currentRow < 0) { moveRow(1); }
      focusField(rows[currentRow].querySelector("textarea.criterion-comment"));
    },
    g: function () { focusField(document.getElementById("overall-comment")); },
    s: saveAndNext,
    "?": function () { document.getElementById("shortcuts").classList.toggle("expanded"); }
  };

  document.addEventListener("keydown", function (event) {
    var typing = /^(TEXTAREA|INPUT|SELECT)$/.test(event.target.tagName);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      saveAndNext();
      return;
    }
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || !keys[event.key]) { return; }
    event.preventDefault();  // so the letter is not typed into the field the key focuses
    keys[event.key]();
  });

  form.addEventListener("change", refresh);
  rows.forEach(function (row, i) {
    row.addEventListener("focusin", function () { currentRow = select(rows, i, "current"); });
  });
  refresh();
})();
