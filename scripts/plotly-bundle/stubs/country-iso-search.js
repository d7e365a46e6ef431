// plotly.js uses country-iso-search (68 KB of country names) for locationmode "country names" only; the
// maps give their own GeoJSON and feature ids (featureidkey), so no country name is ever looked up.
exports.COUNTRIES = [];
exports.createLookup = function() {
    return {lookupAlpha3: function() { return undefined; }};
};
