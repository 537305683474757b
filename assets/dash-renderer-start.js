// Dash's own scripts on a page with a first view (dashboard/first_view.py), started once the first view's
// chart has been painted.  As the page's footer, they would run one after the other as the parser reached
// them (~0.3 s of the main thread: the polyfill, React, the renderer, the component libraries) and the
// browser would paint nothing meanwhile, that chart included.  Here they are appended in the footer's order
// (async = false: executed in that order; their downloads began with the preload links beside this
// script), then the renderer starts as Dash's own inline script started it.
(function () {
  "use strict";
  var urls = JSON.parse(document.currentScript.getAttribute("data-scripts"));
  var started = false;

  function boot() {
    if (started) { return; }
    started = true;
    var last = null;
    urls.forEach(function (url) {
      last = document.createElement("script");
      last.src = url;
      last.async = false;
      document.body.appendChild(last);
    });
    last.addEventListener("load", function () { window.renderer = new window.DashRenderer(); });
  }

  // A frame (the paint with the first view's chart), then a task; a tab in the background draws no frames,
  // so a timer starts Dash there too.
  window.requestAnimationFrame(function () { setTimeout(boot, 0); });
  setTimeout(boot, 250);
})();
