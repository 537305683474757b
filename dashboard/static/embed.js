/* Inside an embed: the chart is drawn from the figure the page carries (kzCharts.drawFrom), a changed
   control shows its view (a plain GET of the form; a static bake's bake.js turns that into its own file's
   address), and the parent page is told our height, in Datawrapper's message format, on load and on
   resize. */
(function () {
  var root = document.querySelector("[data-embed-id]");
  if (!root) { return; }
  var chart = document.getElementById("chart");
  if (chart && window.kzCharts) { window.kzCharts.drawFrom(chart); }
  var form = root.querySelector("form.controls");
  if (form) {
    form.addEventListener("change", function () {
      // requestSubmit fires "submit" (which a bake listens for); submit() alone would not.
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  }
  if (window.parent === window) { return; }
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
