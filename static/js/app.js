// Small progressive enhancements shared by every page: theme switch, time-zone guess, toasts.
(function () {
  "use strict";
  const root = document.documentElement;
  const saved = localStorage.getItem("theme");
  if (saved === "light" || saved === "dark") root.dataset.theme = saved;

  document.addEventListener("click", function (event) {
    const toggle = event.target.closest("[data-theme-toggle]");
    if (!toggle) return;
    const dark = root.dataset.theme === "dark" ||
      (root.dataset.theme !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem("theme", root.dataset.theme);
  });

  // Pre-select the browser's time zone on forms that ask for one and still show the default.
  document.querySelectorAll("select[data-guess-time-zone]").forEach(function (select) {
    const guess = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (select.value === "UTC" && guess && select.querySelector('option[value="' + guess + '"]')) select.value = guess;
  });

  // Toasts: the server sends an HX-Trigger {"toast": {"message": "..."}} or a page includes data-toast elements.
  function showToast(message) {
    const box = document.getElementById("toasts");
    if (!box || !message) return;
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("role", "status");
    toast.textContent = message;
    box.appendChild(toast);
    setTimeout(function () { toast.remove(); }, 6000);
  }
  window.learnToast = showToast;
  document.body.addEventListener("toast", function (event) {
    const detail = event.detail || {};
    (Array.isArray(detail.messages) ? detail.messages : [detail.message || detail.value]).forEach(showToast);
  });
  document.querySelectorAll("[data-toast]").forEach(function (el) { showToast(el.dataset.toast); });

  // Phones: fold what would fill the first screen (the catalog's filters) unless the learner is using it.
  if (window.matchMedia("(max-width: 640px)").matches) {
    document.querySelectorAll("details[data-fold-narrow]:not([data-keep-open])").forEach(function (el) { el.open = false; });
  }

  // Scrolled views that should open on their latest part (the year's heat-map ends today).
  document.querySelectorAll("[data-scroll-end]").forEach(function (el) { el.scrollLeft = el.scrollWidth; });
})();
