/* kz-emigration chart tools, on the pages (Dash loads every script in assets/) and in the embeds:
   - a chart keeps a readable plot area when its box narrows (a wrapping legend takes rows, so the box grows
     instead of the plot collapsing to a strip), its legend never prints over its title or a panel's title,
     and a title too long for a phone is set smaller;
   - "Download PNG" exports the chart with its source line under it, so an image carries its source;
   - a theme patch (the dark colours of an embed with theme=auto) is applied before the chart is drawn;
   - a page's first view (the server's drawing of its first chart) goes once the page has drawn its own;
   - charts are drawn one per frame: a page's callback fills its charts in one reply (the EAEU page: four),
     and dcc.Graph calls Plotly.react for each in the same task, so the first chart would show only once the
     last is drawn (~100 ms each); now the first is on screen after its own draw, the others follow. */
(function () {
  "use strict";
  if (window.kzCharts) { return; }
  var MIN_PLOT = 220;
  var GAP = 6;

  function plotHeight(gd) {
    return gd && gd._fullLayout && gd._fullLayout._size ? gd._fullLayout._size.h : null;
  }

  // The box a chart fills (Dash's graph wrapper, or the embed's #chart): its height is what we adjust.
  function box(gd) {
    // An embed, or a page's first view: the chart is drawn into its box itself.
    if (gd.id === "chart" || gd.id === "kz-first-view-chart") { return gd; }
    return gd.closest(".dash-graph") || gd.parentElement;
  }

  function rect(el) { return el ? el.getBoundingClientRect() : null; }

  function overlap(a, b) {
    if (!a || !b || !a.width || !b.width) { return 0; }
    var h = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var v = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return h > 0 && v > 0 ? v : 0;
  }

  // How the legend must move so that it clears the title and subtitle (fixed at the figure's top: the plot
  // and its legend move down, margin.t) and the panels' titles (anchored to the plot: the legend moves up
  // into a taller margin, legend.y).
  function legendClash(gd) {
    var legend = rect(gd.querySelector(".legend"));
    if (!legend) { return null; }
    var above = 0, below = 0;
    gd.querySelectorAll(".gtitle, .gtitle-subtitle, .annotation").forEach(function (el) {
      var r = rect(el);
      var v = overlap(legend, r);
      if (!v) { return; }
      if (el.classList.contains("annotation")) { below = Math.max(below, v); } else { above = Math.max(above, v); }
    });
    return above || below ? {above: above ? above + GAP : 0, below: below ? below + GAP : 0} : null;
  }

  // A title (or subtitle) wider than the chart is set smaller, down to 11 px: plotly never wraps it.
  function fitTitle(gd) {
    var svg = rect(gd.querySelector(".main-svg"));
    var changes = {};
    [[".gtitle", "title.font.size", 17], [".gtitle-subtitle", "title.subtitle.font.size", 13]].forEach(function (t) {
      var el = gd.querySelector(t[0]);
      var r = rect(el);
      if (!svg || !r || r.right <= svg.right - 2) { return; }
      var size = parseFloat(window.getComputedStyle(el).fontSize) || t[2];
      changes[t[1]] = Math.max(11, Math.floor(size * (svg.right - r.left - 6) / r.width));
    });
    // Panel titles and row labels (annotations) too: smaller type rather than text cut off at the edge.
    (gd.layout.annotations || []).forEach(function (note, i) {
      var el = gd.querySelectorAll(".annotation")[i];
      var r = rect(el);
      if (!svg || !r || !r.width || r.right <= svg.right - 2) { return; }
      var size = (note.font && note.font.size) || 12;
      changes["annotations[" + i + "].font.size"] = Math.max(10, Math.floor(size * (svg.right - r.left - 6) / r.width));
    });
    return changes;
  }

  // The box's height that gives the plot at least MIN_PLOT, from what the margins (title, legend rows,
  // ticks) take now: no need to shrink the box first, so nothing flickers and one step suffices.
  function fit(gd) {
    if (!window.Plotly || !gd || !gd._fullLayout || !gd._fullLayout._size || gd.__kzBusy || !gd.offsetParent) {
      return;
    }
    var holder = box(gd);
    if (!holder) { return; }
    if (holder.getAttribute("data-kz-height") !== holder.style.height) {
      // The page (a callback) gave the box a new height, or this is the first look: that is the base.
      holder.setAttribute("data-kz-base", String(holder.clientHeight));
    }
    var base = parseFloat(holder.getAttribute("data-kz-base")) || holder.clientHeight;
    var full = gd._fullLayout;
    var layout = fitTitle(gd);
    var clash = legendClash(gd);
    var extra = 0;
    if (clash) {
      extra = clash.above + clash.below;
      layout["margin.t"] = (full.margin.t || 0) + extra;
      if (clash.below) {
        layout["legend.y"] = (full.legend && full.legend.y || 1) + clash.below / Math.max(full._size.h, 1);
      }
    }
    var used = holder.clientHeight - full._size.h;  // what the margins take at this width
    // An empty chart ("pick at least one country") stays as short as the page made it.
    var floor = (gd.data || []).length ? MIN_PLOT + used + extra + 1 : 0;
    var target = Math.ceil(Math.max(base, floor));
    var resize = Math.abs(target - holder.clientHeight) > 1;
    if (resize) {
      holder.style.height = target + "px";
    }
    holder.setAttribute("data-kz-height", holder.style.height);
    if (!resize && !Object.keys(layout).length) { return; }
    gd.__kzBusy = true;
    var step = Object.keys(layout).length ? window.Plotly.relayout(gd, layout) : Promise.resolve();
    Promise.resolve(step).then(function () {
      return resize ? window.Plotly.Plots.resize(gd) : null;
    }).then(function () {
      gd.__kzBusy = false;
      setTimeout(function () { fit(gd); }, 0);  // settled? (a second look finds nothing to change)
    }, function () { gd.__kzBusy = false; });
  }

  function fitAll() {
    document.querySelectorAll(".js-plotly-plot").forEach(fit);
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(fitAll, 120);
  });

  // The chart in words: the server's alt text (layout.meta.alt) names the plot for screen readers and
  // fills the block's "The chart in words" paragraph (an embed has it in its own aria-label already).
  function describe(gd) {
    var meta = gd.layout && gd.layout.meta;
    var alt = meta && typeof meta.alt === "string" ? meta.alt : "";
    if (!alt) { return; }
    var block = gd.closest("figure.chart-block");
    var text = block && block.querySelector(".chart-alt");
    if (text && text.textContent !== alt) { text.textContent = alt; }
    if (gd.getAttribute("aria-label") !== alt) {
      gd.setAttribute("role", "img");
      gd.setAttribute("aria-label", alt);
    }
  }

  // A chart drawn (or redrawn by a callback) is fitted once it is on screen (not while we adjust it).
  function watch(gd) {
    if (gd.__kzWatched || !gd.on) { return; }
    gd.__kzWatched = true;
    gd.on("plotly_afterplot", function () {
      describe(gd);
      if (!gd.__kzBusy) { setTimeout(function () { fit(gd); }, 0); }
    });
    describe(gd);
    fit(gd);
  }
  new MutationObserver(function (mutations) {
    document.querySelectorAll(".js-plotly-plot").forEach(watch);
    // A block shown (the destination's series, an opened panel): its charts take their real size now.
    if (mutations.some(function (m) { return m.type === "attributes"; })) { setTimeout(fitAll, 0); }
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"]});

  function png(gd, filename) {
    var layout = JSON.parse(JSON.stringify(gd.layout));
    var meta = layout.meta || {};
    var source = String(meta.source || "");
    var cut = source.lastIndexOf(". ", source.length - 2);
    var text = cut > 0 ? source.slice(0, cut + 1) + "<br>" + source.slice(cut + 2) : source;
    var full = gd._fullLayout;
    var extra = cut > 0 ? 44 : 28;
    layout.margin = {l: full.margin.l, r: full.margin.r, t: full.margin.t, b: full.margin.b + extra};
    var muted = layout.title && layout.title.subtitle && layout.title.subtitle.font && layout.title.subtitle.font.color;
    layout.annotations = (layout.annotations || []).concat([{
      text: text, showarrow: false, xref: "paper", yref: "paper", x: 0, y: 0, yshift: -(full.margin.b + extra - 6),
      xanchor: "left", yanchor: "bottom", align: "left", font: {size: 11, color: muted || "#595959"}}]);
    layout.width = full.width;
    layout.height = full.height + extra;
    return window.Plotly.downloadImage({data: gd.data, layout: layout},
      {format: "png", width: full.width, height: full.height + extra, scale: 2, filename: filename || "chart"});
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-png-for]");
    if (!button) { return; }
    var holder = document.getElementById(button.getAttribute("data-png-for"));
    var gd = holder && (holder.classList.contains("js-plotly-plot") ? holder : holder.querySelector(".js-plotly-plot"));
    if (gd) { png(gd, button.getAttribute("data-png-name")); }
  });

  // [[path...], value] pairs: the differences between a figure and its other theme.
  function patch(figure, changes) {
    (changes || []).forEach(function (change) {
      var path = change[0], node = figure;
      for (var i = 0; i < path.length - 1; i++) { node = node[path[i]]; }
      node[path[path.length - 1]] = change[1];
    });
    return figure;
  }

  // A chart drawn from the figure its page carries: the plotly JSON in <script type="application/json"
  // id="<box id>-figure">, its dark patch in "-dark" (applied for a reader in dark mode), the map shapes'
  // address and plotly's locale in the box's data attributes.  Data blocks, never an inline script, so the
  // Content-Security-Policy allows scripts from the site's own files alone (dashboard/security.py).
  function drawFrom(box, config) {
    var fig = JSON.parse(document.getElementById(box.id + "-figure").textContent);
    var dark = JSON.parse(document.getElementById(box.id + "-dark").textContent);
    var media = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
    if (dark.length && media && media.matches) { patch(fig, dark); }
    config = Object.assign({responsive: true, displayModeBar: false, displaylogo: false, showSendToCloud: false,
                            topojsonURL: box.getAttribute("data-topojson"), locale: box.getAttribute("data-locale")},
                           config || {});
    return window.Plotly.newPlot(box, fig.data, fig.layout, config);
  }

  // A page's first view (first_view.py: its first chart, drawn from the page's HTML before Dash started)
  // goes once the page has drawn a chart of its own under it, or after 15 s whatever happened.
  function dropFirstView() {
    var view = document.getElementById("kz-first-view");
    if (!view) { return; }
    var gd = view.querySelector(".js-plotly-plot");
    if (gd && window.Plotly) { window.Plotly.purge(gd); }
    view.remove();
  }

  // One Plotly.react per frame.  The first call of a frame draws at once; later ones wait for the frames
  // after it (a requestAnimationFrame, then a task, so the browser paints in between), in call order, each
  // resolving with what Plotly.react resolves with.  A chart taken off the page meanwhile is not drawn.
  function drawOnePerFrame(Plotly) {
    if (!Plotly || !Plotly.react || Plotly.react.__kzOnePerFrame) { return; }
    var react = Plotly.react;
    var waiting = [];
    var drewThisFrame = false;

    function nextFrame() {
      window.requestAnimationFrame(function () { setTimeout(release, 0); });
    }

    function release() {
      drewThisFrame = false;
      var next = waiting.shift();
      if (next) { next(); }
    }

    function draw(gd, args) {
      drewThisFrame = true;
      nextFrame();
      var drawn = react.apply(Plotly, args);
      if (gd instanceof Element && gd.closest("#react-entry-point")) {
        Promise.resolve(drawn).then(function () {
          // dcc.Graph draws an empty figure before its callback answers: the layer waits for real traces.
          if (gd.data && gd.data.length) { dropFirstView(); }
        }, dropFirstView);
      }
      return drawn;
    }

    var wrapped = function (gd) {
      var args = arguments;
      if (!drewThisFrame && !waiting.length) { return draw(gd, args); }
      return new Promise(function (resolve, reject) {
        waiting.push(function () {
          if (gd instanceof Element && !gd.isConnected) {
            release();  // gone from the page (another page was opened): nothing to draw
            resolve(gd);
            return;
          }
          Promise.resolve(draw(gd, args)).then(resolve, reject);
        });
      });
    };
    wrapped.__kzOnePerFrame = true;
    Plotly.react = wrapped;
  }
  drawOnePerFrame(window.Plotly);

  // The first view's scripts (this one among them) follow its layer in the page's HTML: its chart is drawn
  // now, before Dash's scripts load.  On a page without one, and in an embed's head, there is none yet.
  var firstView = document.getElementById("kz-first-view-chart");
  if (firstView && window.Plotly) {
    drawFrom(firstView, {staticPlot: true});
    setTimeout(dropFirstView, Number(document.getElementById("kz-first-view").getAttribute("data-drop-after-ms")));
  }

  window.kzCharts = {fit: fit, fitAll: fitAll, png: png, patch: patch, drawFrom: drawFrom, dropFirstView: dropFirstView,
                     MIN_PLOT: MIN_PLOT};
})();
