#!/usr/bin/env bash
# Rebuild dashboard/assets/plotly-geo.min.js (plotly.js with the choropleth trace only, ~1 MB less than the
# full plotly.js) and dashboard/assets/regenerator-runtime.min.js from the npm registry, with the versions
# pinned in scripts/plotly-bundle/package-lock.json; see scripts/plotly-bundle/build.mjs for what is left out
# and why. Needs Node.js and npm; the built files are committed, so running or testing the dashboard needs
# neither. Re-running it gives the same bytes: it prints each file's sha256 (compare with git's copy).
# Keep plotly.js's version equal to the one the installed plotly.py bundles (plotly.offline.get_plotlyjs_version()).
#   bash scripts/build-plotly-bundle.sh            # writes into dashboard/assets/
#   bash scripts/build-plotly-bundle.sh OUT_DIR    # writes elsewhere (to compare)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(realpath -m "${1:-$here/../dashboard/assets}")"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/plotly-bundle/"{package.json,package-lock.json,build.mjs,entry.js,regenerator.js} "$work/"
cp -r "$here/plotly-bundle/stubs" "$work/"
# --ignore-scripts: no package runs code at install (esbuild's binary comes in its own npm package)
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "npm $(npm --version)"
(cd "$here/.." && node "$work/build.mjs" "$out")
