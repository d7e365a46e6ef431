// The dashboard's plotly.js: what plotly.js's lib/core.js sets up, less the parts no map of the dashboard
// uses, plus the choropleth trace. Every map is one choropleth trace on a geo subplot with a colour bar,
// hover labels, click events and the modebar (PNG download, zoom, pan), and, on a map zoomed to a region
// or a cercle, the units' names as a text-only scattergeo trace; there is no other trace type.
// Left out, beside every other trace type: annotations, images, update menus,
// sliders, range sliders and selectors, grid, error bars (lib/core.js registers them all), and the
// Promise polyfill (every browser the dashboard supports has Promise).
'use strict';

require('plotly.js/build/plotcss');
var Registry = require('plotly.js/src/registry');
var plotApi = require('plotly.js/src/plot_api');
var Plots = require('plotly.js/src/plots/plots');

var Plotly = {version: require('plotly.js/src/version').version, register: Registry.register};
Object.keys(plotApi).forEach(function(name) {
    if(name.charAt(0) !== '_') Plotly[name] = plotApi[name];
    Registry.register({moduleType: 'apiMethod', name: name, fn: plotApi[name]});
});

// scatter stays: plotly.js's core assumes it is registered (the default trace type)
Registry.register(require('plotly.js/src/traces/scatter'));
Registry.register([
    // plotly.js's core reads layout.shapes and layout.selections wherever it draws (legend, relayout, geo)
    require('plotly.js/src/components/selections'),
    require('plotly.js/src/components/shapes'),
    require('plotly.js/src/components/colorscale'),
    require('plotly.js/src/components/colorbar'),
    require('plotly.js/src/components/legend'), // fx's hover defaults read the legend's
    require('plotly.js/src/components/fx'),
    require('plotly.js/src/components/modebar')
]);
Registry.register([require('plotly.js/src/locale-en'), require('plotly.js/src/locale-en-us')]);
// French: the modebar's tooltips and the number and date formats of French pages (config.locale 'fr')
Registry.register(require('plotly.js/lib/locales/fr'));
if(window.PlotlyLocales && Array.isArray(window.PlotlyLocales)) {
    Registry.register(window.PlotlyLocales);
    delete window.PlotlyLocales;
}
Registry.register(require('plotly.js/src/traces/choropleth'));
Registry.register(require('plotly.js/src/traces/scattergeo')); // the units' names (mode 'text')

Plotly.Plots = {resize: Plots.resize, graphJson: Plots.graphJson};
Plotly.Icons = require('plotly.js/src/fonts/ploticon');
Plotly.Fx = require('plotly.js/src/components/fx');
module.exports = Plotly;
