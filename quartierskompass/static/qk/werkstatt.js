// SONI-Werkstatt: „Weiter“ and „Zurück“ with the keyboard and with presentation clickers
// (arrow keys, Page Up/Page Down), and a full-screen switch for the projector.
// Without JavaScript the same buttons and links work as they are.
(function () {
  "use strict";

  const stage = document.querySelector(".ws-stage");
  if (!stage) {
    return;
  }

  const KEYS = {
    ArrowRight: "next",
    PageDown: "next",
    ArrowLeft: "prev",
    PageUp: "prev",
  };

  // Text fields need every key (caret, scrolling); choices need the arrow keys to choose,
  // but Page Up/Page Down – what a clicker sends – still turn the page.
  function isReserved(element, key) {
    if (!element || !element.closest) {
      return false;
    }
    if (element.closest("textarea, select, [contenteditable=''], [contenteditable='true']")) {
      return true;
    }
    if (element.matches("input[type=radio], input[type=checkbox]")) {
      return key.startsWith("Arrow");
    }
    return Boolean(element.closest("input"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    const direction = KEYS[event.key];
    if (!direction || isReserved(event.target, event.key)) {
      return;
    }
    const control = stage.querySelector("[data-ws-" + direction + "]");
    if (!control) {
      return;
    }
    event.preventDefault();
    control.click();
  });
  stage.dataset.keys = "ready";

  const fullscreen = stage.querySelector("[data-ws-fullscreen]");
  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen();
      }
    });
    document.addEventListener("fullscreenchange", function () {
      fullscreen.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
    });
  }
})();
