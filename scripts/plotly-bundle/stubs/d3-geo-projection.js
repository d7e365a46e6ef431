// plotly.js looks a geo projection up in d3-geo first, then in d3-geo-projection (70 KB of extra
// projections). The maps use mercator, which d3-geo has: a projection from here would be undefined.
module.exports = {};
