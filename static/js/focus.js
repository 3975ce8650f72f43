// After a search or lookup form is sent through htmx (boosted or hx-get), the answer replaces
// part of the page and the browser leaves focus on <body>: a keyboard or screen-reader user
// would start again from the top. Move focus to the answer instead, as a full page load and
// a skip link would. Typing (the as-you-type requests) never moves focus.
(function () {
  "use strict";
  const handled = new WeakSet();

  function answerFor(detail) {
    const config = detail.requestConfig || {};
    if (config.verb === "get" || config.boosted) {
      return document.querySelector("[data-results]") || document.querySelector("main");
    }
    // A posted form whose section was replaced (subscribing): its new content, if focus was lost.
    const target = detail.target;
    if (document.activeElement && document.activeElement !== document.body) {
      return null;
    }
    return (target && target.id && document.getElementById(target.id)) || document.querySelector("main");
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    const detail = event.detail || {};
    const trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    // One swap settles several elements; act once per request, and only for a sent form.
    if (!trigger || trigger.type !== "submit" || !detail.xhr || handled.has(detail.xhr)) {
      return;
    }
    handled.add(detail.xhr);
    const answer = answerFor(detail);
    if (!answer) {
      return;
    }
    if (!answer.hasAttribute("tabindex")) {
      answer.setAttribute("tabindex", "-1");
    }
    answer.focus();
  });
})();
