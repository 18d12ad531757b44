// "Saves to browser": opening a lesson's link or one of its chapters marks the lesson started.
// Visitors keep the marks in localStorage ("learn:watched" → {slug: ISO time}) and see them on every list;
// once signed in, the stored marks are merged into the account (then cleared) and new starts go to the server.
(function () {
  "use strict";
  var KEY = "learn:watched";
  var SLUG = /^[-a-z0-9_]{1,200}$/;
  var config = document.getElementById("lesson-progress");
  if (!config) return;
  var signedIn = config.dataset.signedIn === "true";

  function stored() {
    try {
      var value = JSON.parse(localStorage.getItem(KEY) || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (error) {
      return {};
    }
  }

  function store(map) {
    try {
      localStorage.setItem(KEY, JSON.stringify(map));
    } catch (error) { /* private mode or a full store: the mark simply is not kept */ }
  }

  function showWatched(slug) {
    document.querySelectorAll("[data-lesson-slug]").forEach(function (element) {
      if (element.dataset.lessonSlug !== slug) return;
      // Only the element's own mark, not those of lessons nested inside it (the page lists related ones).
      element.querySelectorAll("[data-watched-mark]").forEach(function (mark) {
        if (mark.closest("[data-lesson-slug]") === element && mark.dataset.completed !== "true") {
          mark.hidden = false;
        }
      });
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": config.dataset.csrfToken,
      },
      body: JSON.stringify(body || {}),
    });
  }

  function rememberLocally(slug) {
    var map = stored();
    if (!map[slug]) {
      map[slug] = new Date().toISOString();
      store(map);
    }
  }

  function started(slug) {
    if (!SLUG.test(slug)) return;
    showWatched(slug);
    if (!signedIn) {
      rememberLocally(slug);
      return;
    }
    var url = config.dataset.startedUrl.replace("__slug__", encodeURIComponent(slug));
    post(url).then(function (response) {
      if (!response.ok && response.status !== 404) rememberLocally(slug); // merged on the next page instead
    }).catch(function () { rememberLocally(slug); });
  }

  function onOpen(event) {
    if (event.type === "auxclick" && event.button !== 1) return;
    var link = event.target.closest && event.target.closest("a[data-lesson-start]");
    if (link) started(link.dataset.lessonStart);
  }
  document.addEventListener("click", onOpen);
  document.addEventListener("auxclick", onOpen);

  var marks = stored();
  var slugs = Object.keys(marks).filter(function (slug) { return SLUG.test(slug); });
  slugs.forEach(showWatched);
  if (!signedIn || slugs.length === 0) return;

  post(config.dataset.mergeUrl, { lessons: marks })
    .then(function (response) {
      if (!response.ok) throw new Error("merge refused: " + response.status);
      return response.json();
    })
    .then(function (data) {
      localStorage.removeItem(KEY);
      var merged = Array.isArray(data.merged) ? data.merged : [];
      merged.forEach(showWatched);
      document.documentElement.dataset.progressMerged = String(merged.length);
      if (merged.length && window.learnToast) {
        window.learnToast(merged.length === 1
          ? "Saved 1 watched lesson to your account."
          : "Saved " + merged.length + " watched lessons to your account.");
      }
    })
    .catch(function () { /* kept in the browser: the next page tries again */ });
})();
