// The address codec of the filters, in the browser. The server's is dashboard/domain/filters.py; both follow
// the filter declarations (``spec``: control, url key, whether it takes several values, its default), and a
// browser test (tests/browser/test_url_codec.py) holds them to the same queries. ``explicit`` (optional):
// the url keys written even at their default (the level, on a page that opens at another level).
window.mali3wEncodeQuery = function(spec, values, pageNames, pageValues, explicit) {
    const shared = new URLSearchParams();
    const always = explicit || [];
    spec.forEach(function(filter, index) {
        const value = values[index];
        if (filter.multiple) {
            if (value && value.length) { shared.set(filter.url, value.join(",")); }
        } else if (value !== null && value !== undefined && value !== "" &&
                   (String(value) !== filter.default || always.indexOf(filter.url) >= 0)) {
            shared.set(filter.url, value);
        }
    });
    const own = new URLSearchParams(shared);
    pageValues.forEach(function(value, index) {
        if (value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && !value.length)) {
            own.set(pageNames[index], Array.isArray(value) ? value.join(",") : value);
        }
    });
    return {shared: shared, own: own};
};
