// Builds the dashboard's plotly.js and regenerator runtime from the packages pinned in package-lock.json
// (run by scripts/build-plotly-bundle.sh after `npm ci`). Same lockfile, same esbuild: same bytes. Built with
// npm 11.19.1 and Node.js 20.20.2: plotly-geo.min.js 947,615 B (336,809 B gzip -9), sha256
// 17526285628a9919c8f84a8b0b4437a78abe0a217e23c95b5a560b605784af2e; regenerator-runtime.min.js 6,943 B,
// sha256 d90457bab4052eb036bd4e1287949a26d83feea54c3d85fd34e099d643b8c88c.
import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';

import {build} from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const outDir = path.resolve(process.argv[2] || path.join(here, '../../dashboard/assets'));
const version = (name) => require(`${name}/package.json`).version;

// plotly.js's own bundles drop the documentation strings of every attribute (its esbuild plugin
// "strip meta"): a fifth of the minified bundle. The same patterns here.
const META = [
    /\s*description: '.*',?/g,
    /\s*description: \[[\s\S]*?\]\.join\([\s\S]*?\),?/g,
    /\s*requiredOpts: \[[\s\S]*?\],?/g,
    /\s*otherOpts: \[[\s\S]*?\],?/g,
    /\s*hrName: '.*',?/g
];
// Defaults that differ from plotly.js's, set in its source so that a graph drawn without the dashboard's
// config has them too: no "Share chart..." button (an upload to Plotly Cloud), no address outside the
// server (base layers come from the dashboard's /topojson/ route).
const DEFAULTS = [
    ['src/plot_api/plot_config.js', "dflt: 'https://cloud.plotly.com/newchart'", "dflt: ''"],
    ['src/plot_api/plot_config.js', /(showSendToCloud: \{\s*valType: 'boolean',\s*dflt: )true/, '$1false'],
    ['src/plot_api/plot_config.js', "dflt: 'https://cdn.plot.ly/un/'", "dflt: '/topojson/'"]
];

const stub = (name) => path.join(here, 'stubs', name);
const STUBS = {'d3-geo-projection': stub('d3-geo-projection.js'), 'country-iso-search': stub('country-iso-search.js'),
               culori: stub('culori.mjs'), 'gl-mat4': stub('gl-mat4.js')};

const plotlySource = {
    name: 'plotly-source',
    setup(builder) {
        // plotly.js's require('culori') and the others, not the stubs' own import of culori/fn
        builder.onResolve({filter: /^(d3-geo-projection|country-iso-search|culori|gl-mat4)$/}, (args) => (
            args.importer.includes(`${path.sep}plotly.js${path.sep}`) ? {path: STUBS[args.path]} : undefined));
        // the one stylesheet plotly.js imports is maplibre's, for "map" subplots: not built, not shipped
        builder.onResolve({filter: /\.css$/}, () => ({path: 'css', namespace: 'no-css'}));
        builder.onLoad({filter: /.*/, namespace: 'no-css'}, () => ({contents: '', loader: 'js'}));
        builder.onLoad({filter: /[\\/]node_modules[\\/]plotly\.js[\\/]src[\\/].*\.js$/}, (args) => {
            let text = readFileSync(args.path, 'utf8');
            const relative = path.relative(path.dirname(require.resolve('plotly.js/package.json')), args.path);
            for(const [file, from, to] of DEFAULTS) {
                if(file !== relative.split(path.sep).join('/')) continue;
                const patched = text.replace(from, to);
                if(patched === text) throw new Error(`${file}: ${from} not found (plotly.js changed?)`);
                text = patched;
            }
            for(const pattern of META) text = text.replace(pattern, '');
            return {contents: text, loader: 'js'};
        });
    }
};

// To look inside (write elsewhere: bash scripts/build-plotly-bundle.sh /tmp/out): MINIFY=0 for readable
// code, METAFILE=1 for esbuild's list of what each module weighs.
const common = {bundle: true, minify: process.env.MINIFY !== '0', format: 'iife', target: 'es2016',
                legalComments: 'none', define: {global: 'window', 'define.amd': 'false'}, logLevel: 'warning',
                metafile: true};
const outputs = [
    {...common, entryPoints: [path.join(here, 'entry.js')], outfile: path.join(outDir, 'plotly-geo.min.js'),
     globalName: 'Plotly', plugins: [plotlySource],
     banner: {js: `/*! plotly.js v${version('plotly.js')} (choropleth only, built for the Mali 3W dashboard by ` +
              'scripts/build-plotly-bundle.sh) | Copyright Plotly, Inc. and the authors of its dependencies | ' +
              'MIT license */'}},
    {...common, entryPoints: [path.join(here, 'regenerator.js')],
     outfile: path.join(outDir, 'regenerator-runtime.min.js'),
     banner: {js: `/*! regenerator-runtime v${version('regenerator-runtime')} | Copyright Meta Platforms, Inc. | ` +
              'MIT license */'}}
];

console.log(`node ${process.version}, esbuild ${version('esbuild')}, plotly.js ${version('plotly.js')}, ` +
            `culori ${version('culori')}, regenerator-runtime ${version('regenerator-runtime')}`);
for(const options of outputs) {
    const result = await build(options);
    const content = readFileSync(options.outfile);
    const text = content.toString('utf8');
    for(const address of ['cdn.plot.ly', 'cloud.plotly.com']) {
        if(text.includes(address)) throw new Error(`${options.outfile} still names ${address}`);
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    if(process.env.METAFILE) writeFileSync(options.outfile + '.meta.json', JSON.stringify(result.metafile));
    console.log(`${path.relative(process.cwd(), options.outfile)}: ${content.length} B, ` +
                `${gzipSync(content, {level: 9}).length} B gzip -9, ` +
                `${Object.keys(result.metafile.inputs).length} modules, sha256 ${sha256}`);
}
