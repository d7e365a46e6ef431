#!/usr/bin/env bash
# Refresh dashboard/assets/plotly-geo.min.js, the plotly.js partial bundle the dashboard serves instead of the
# full plotly.js (1.47 MB gzip): it has the traces the pages use (choropleth on a geo subplot, scatter) and
# weighs 464 KB gzip. Keep its version equal to the plotly.js that the installed plotly.py bundles.
# Needs npm and the npm registry; the file is committed, so running the dashboard needs neither.
set -euo pipefail
VERSION="${1:-4.1.1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-geo-dist-min@$VERSION" >/dev/null && tar xzf plotly.js-geo-dist-min-*.tgz)
target="$(dirname "$0")/../dashboard/assets/plotly-geo.min.js"
# The bundle's one network address is the default place geo subplots load base layers from (plotly's CDN);
# point it at the dashboard's own /topojson/ route, so nothing is fetched from outside even without config.
sed 's#https://cdn\.plot\.ly/un/#/topojson/#' "$work/package/plotly-geo.min.js" > "$target"
if grep -q 'cdn\.plot\.ly' "$target"; then echo "a CDN address is left in $target" >&2; exit 1; fi
head -c 120 "$(dirname "$0")/../dashboard/assets/plotly-geo.min.js"; echo
