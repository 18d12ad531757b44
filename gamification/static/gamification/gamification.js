// Lesson completion block: a live countdown to when "Mark as done" counts (the server still decides).
(function () {
  "use strict";

  function words(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    if (minutes && rest) return minutes + " min " + rest + " s";
    return minutes ? minutes + " min" : rest + " s";
  }

  function tick() {
    document.querySelectorAll(".countdown[data-complete-after]").forEach(function (el) {
      const due = Date.parse(el.dataset.completeAfter);
      if (Number.isNaN(due)) return;
      const left = Math.ceil((due - Date.now()) / 1000);
      el.textContent = left > 0 ? "You can mark it done in " + words(left) + "." : "You can mark it done now.";
    });
  }

  tick();
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
})();
