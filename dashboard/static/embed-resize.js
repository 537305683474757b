/* Paste once on the page that holds kz-emigration embeds: sizes each iframe to the height it posts.
   Uses Datawrapper's message format ({"datawrapper-height": {"<id>": px}}), so Datawrapper's own
   resize script, if the page already has it, works for these embeds too. */
(function () {
  if (window.kzEmbedResize) { return; }
  window.kzEmbedResize = true;
  window.addEventListener("message", function (event) {
    var heights = event.data && event.data["datawrapper-height"];
    if (!heights) { return; }
    var frames = document.querySelectorAll("iframe");
    for (var key in heights) {
      for (var i = 0; i < frames.length; i++) {
        if (frames[i].contentWindow === event.source) {
          frames[i].style.height = heights[key] + "px";
        }
      }
    }
  });
})();
