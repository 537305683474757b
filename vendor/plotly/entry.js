'use strict';

// Partial plotly.js bundle for the kz-emigration dashboard: only the trace types the app draws.
// Same shape as plotly.js's own partial bundles (lib/index-basic.js, lib/index-geo.js), without the
// 'calendars' component (the app only uses Gregorian dates). Built by scripts/build-plotly.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    // traces
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo')
]);

module.exports = Plotly;
