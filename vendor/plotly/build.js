'use strict';
// Builds the partial plotly.js bundle (entry.js) with the options plotly.js uses for its own dist
// bundles (plotly.js/esbuild-config.js, tasks/util/bundle_wrapper.mjs and tasks/partial_bundle.mjs of
// plotly.js 4.1.1; the npm package ships esbuild-config.js but not tasks/, and esbuild-config.js
// requires ./tasks/util/constants.js, so it cannot be imported from node_modules: its options are
// restated here). Run through scripts/build-plotly, which runs `npm ci` first.
//
//   node build.js OUTFILE
//
// Output is deterministic: no dates, no absolute paths (absWorkingDir is this folder), pinned esbuild.

const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const HERE = __dirname;
const PLOTLY_DIR = path.join(HERE, 'node_modules', 'plotly.js');
const outfile = process.argv[2];
if (!outfile) {
    console.error('usage: node build.js OUTFILE');
    process.exit(2);
}

const plotlyVersion = require(path.join(PLOTLY_DIR, 'package.json')).version;
const TRACES = ['scatter', 'bar', 'choropleth', 'scattergeo'];

// plotly.js's licence header, taken from its own dist bundle (tasks/header_dist.js writes it there) so
// that the copyright line is plotly's and not today's year; renamed like partial_bundle.mjs does.
function licenceHeader() {
    const dist = fs.readFileSync(path.join(PLOTLY_DIR, 'dist', 'plotly.min.js'), 'utf8');
    const m = /^\/\*\*\n\* plotly\.js( \(minified\))? v[^\n]*\n(?:\*[^\n]*\n)*?\*\/\n/.exec(dist);
    if (!m) throw new Error('could not find the licence header of plotly.js/dist/plotly.min.js');
    const header = m[0].replace(/^\/\*\*\n\* plotly\.js( \(minified\))?/,
        '/**\n* plotly.js (kz-emigration partial: ' + TRACES.join(', ') + ' - minified)');
    if (!header.includes('v' + plotlyVersion) || !/Licensed under the MIT license/.test(header)) {
        throw new Error('unexpected plotly.js licence header:\n' + header);
    }
    return header;
}

// tasks/compress_attributes.js of plotly.js 4 (an esbuild plugin, added by
// tasks/util/bundle_wrapper.mjs to every dist bundle): strips the attribute descriptions and other
// schema-only meta data, which plotly.js needs only for plot-schema.json. The npm package does not
// ship tasks/, so the plugin is restated here with the same regular expressions and filter.
const WHITESPACE_BEFORE = '\\s*';
const OPTIONAL_COMMA = ',?';
const makeRegex = (regexStr) => new RegExp(WHITESPACE_BEFORE + regexStr + OPTIONAL_COMMA, 'g');
const makeStringRegex = (attr) => makeRegex(attr + ": '.*'");
const makeJoinedArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]' + '\\.join\\([\\s\\S]*?\\)');
const makeArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]');
const allRegexes = [
    makeStringRegex('description'),
    makeJoinedArrayRegex('description'),
    makeArrayRegex('requiredOpts'),
    makeArrayRegex('otherOpts'),
    makeStringRegex('role'),
    makeStringRegex('hrName')
];

const stripMeta = {
    name: 'strip-meta-attributes',
    setup(build) {
        build.onLoad({ filter: /\.js$/ }, async (file) => {
            let c = await fs.promises.readFile(file.path, 'utf-8');
            allRegexes.forEach((r) => { c = c.replace(r, ''); });
            return { contents: c, loader: 'js' };
        });
    }
};

// plotly.js's src/registry.js does `require('maplibre-gl/dist/maplibre-gl.css')`, but only when a
// trace on the 'map' subplot (scattermap, choroplethmap, densitymap) is registered, and plotly.js's
// own build inlines that CSS (esbuild-plugin-inline-css) into every bundle, even plotly-basic and
// plotly-geo. None of our traces uses 'map', so it is replaced by an empty module. Any other CSS or
// GLSL import (plotly.js's esbuild-config.js has plugins for both) means a WebGL/map trace slipped in:
// fail rather than ship a bundle built without the plugins it would need.
const guardAssets = {
    name: 'kz-guard-assets',
    setup(build) {
        build.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, (args) => ({
            path: args.path, namespace: 'kz-empty'
        }));
        build.onLoad({ filter: /.*/, namespace: 'kz-empty' }, () => ({ contents: '', loader: 'js' }));
        build.onResolve({ filter: /\.(css|glsl|vert|frag)$/ }, (args) => ({
            errors: [{ text: 'unexpected asset import ' + args.path + ' from ' + args.importer +
                ' (only the maplibre CSS is expected, and stubbed)' }]
        }));
        build.onResolve({ filter: /^(regl|stream|maplibre-gl)$|stackgl_modules/ }, (args) => ({
            errors: [{ text: 'unexpected import ' + args.path + ' from ' + args.importer +
                ' (a WebGL or map trace is in the bundle?)' }]
        }));
    }
};

async function main() {
    const header = licenceHeader();
    // The wrapper of plotly.js's dist bundles (tasks/util/bundle_wrapper.mjs, "until esbuild#513 is
    // merged"): CommonJS gets module.exports, a browser gets window.Plotly. plotly.js's own wrapper
    // writes `root.moduleName = factory()` (a leftover name) and relies on `window.Plotly = Plotly`
    // inside; here the global is set by name.
    const banner = header +
        '(\n' +
        ' function(root, factory) {\n' +
        '  if (typeof module === "object" && module.exports) {\n' +
        '   module.exports = factory();\n' +
        '  } else {\n' +
        '   root.Plotly = factory();\n' +
        '  }\n' +
        '} (typeof self !== "undefined" ? self : this, () => {';
    const footer = 'window.Plotly = Plotly;\nreturn Plotly;\n}));';

    const result = await esbuild.build({
        absWorkingDir: HERE,
        entryPoints: ['entry.js'],
        outfile: path.resolve(outfile),
        // esbuild-config.js of plotly.js:
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        sourcemap: false,
        target: 'es2016',
        define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
        // environmentPlugin({NODE_DEBUG: false}) of plotly.js's config: nothing in these traces reads
        // process.env, so the same value is set by define instead of a plugin.
        plugins: [guardAssets, stripMeta],
        banner: { js: banner },
        footer: { js: footer },
        legalComments: 'eof',
        charset: 'ascii',
        metafile: true,
        logLevel: 'warning'
    });
    const inputs = Object.keys(result.metafile.inputs);
    const bad = inputs.filter((p) => !p.startsWith('kz-empty:') && /stackgl_modules|regl|maplibre-gl\/|\.css$|\.glsl$/.test(p));
    if (bad.length) throw new Error('unexpected inputs in the bundle: ' + bad.join(', '));
    if (process.env.KZ_PLOTLY_METAFILE) {
        fs.writeFileSync(process.env.KZ_PLOTLY_METAFILE, JSON.stringify(result.metafile, null, 1));
    }
    const built = fs.readFileSync(outfile, 'utf8');
    if (!built.startsWith('/**\n* plotly.js (kz-emigration partial')) throw new Error('licence header missing');
    console.log(JSON.stringify({ plotly: plotlyVersion, esbuild: esbuild.version, inputs: inputs.length,
        traces: TRACES, bytes: Buffer.byteLength(built) }));
}

main().catch((err) => {
    console.error(err && err.message ? err.message : err);
    process.exit(1);
});
