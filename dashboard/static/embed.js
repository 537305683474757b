/* Inside an embed: tell the parent page our height, in Datawrapper's message format, on load and on resize. */
(function () {
  if (window.parent === window) { return; }
  var root = document.querySelector("[data-embed-id]");
  if (!root) { return; }
  var id = root.getAttribute("data-embed-id");
  var last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    var message = {"datawrapper-height": {}};
    message["datawrapper-height"][id] = height;
    window.parent.postMessage(message, "*");
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  if (window.ResizeObserver) { new ResizeObserver(post).observe(document.documentElement); }
  post();
})();
