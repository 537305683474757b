/* In a static bake (kz-emigration bake): a static host ignores query strings, so each view of an embed is a
   file of its own, /embed/<chart>/<name>=<value>/.../ in the canonical order.  This script, in the page's
   head, sends an address written with a query string (an iframe already in an article) to its file, and
   the controls' form to the file of the chosen view.  The page's #kz-bake map lists the chart's baked views;
   a setting with no file falls back to the nearest view, which then shows #kz-bake-notice. */
(function () {
  var node = document.getElementById("kz-bake");
  if (!node) { return; }
  var spec = JSON.parse(node.textContent);
  var LOST = "#kz-lost";

  function known(name) {
    var all = spec.chart.concat(spec.embed);
    for (var i = 0; i < all.length; i++) { if (all[i][0] === name) { return true; } }
    return spec.ignore.indexOf(name) >= 0;
  }

  // name -> value (strings) -> {path, lost}: the baked file of that view, and whether a setting was dropped.
  function address(pairs) {
    var lost = false;
    Object.keys(pairs).forEach(function (name) { if (!known(name)) { lost = true; } });
    var chart = [];
    spec.chart.forEach(function (p) {
      var value = pairs[p[0]];
      if (value !== undefined && value !== p[1]) { chart.push(p[0] + "=" + value); }
    });
    var part = chart.join("&");
    if (spec.states.indexOf(part) < 0) { lost = true; part = spec.pageChart; }
    var segments = part ? part.split("&") : [];
    spec.embed.forEach(function (p) {
      var value = pairs[p[0]];
      if (value === undefined || value === p[1]) { return; }
      if (p[2].indexOf(value) < 0) { lost = lost || !p[3]; return; }
      segments.push(p[0] + "=" + value);
    });
    return {path: spec.base + segments.map(function (s) { return s + "/"; }).join(""), lost: lost};
  }

  function go(pairs, replace) {
    var target = address(pairs);
    var here = location.pathname.replace(/\/?$/, "/");
    if (target.path === here && !target.lost) { return false; }
    var url = target.path + (target.lost ? LOST : "");
    if (replace) { location.replace(url); } else { location.assign(url); }
    return true;
  }

  if (location.search.length > 1) {  // this page's own settings, overridden by the query's
    var pairs = {};
    Object.keys(spec.page).forEach(function (name) { pairs[name] = spec.page[name]; });
    new URLSearchParams(location.search).forEach(function (value, name) { pairs[name] = value; });
    if (go(pairs, true)) { return; }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("controls")) { return; }
    event.preventDefault();
    var fields = {};  // the whole view: every control, and the settings the form carries as hidden fields
    new FormData(form).forEach(function (value, name) { fields[name] = String(value); });
    go(fields, false);
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash === LOST) {
      var notice = document.getElementById("kz-bake-notice");
      if (notice) { notice.hidden = false; }
    }
  });
})();
