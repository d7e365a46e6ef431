#!/usr/bin/env bash
# Make sure the headless browser the browser tests drive (tests/browser) is installed: Debian's chromium.
#
# Quick and idempotent: when the browser is already there it only prints which one is used. Otherwise it
# installs the distribution package with apt-get (needs root). It never downloads a browser through a test
# tool (no `playwright install`).
#
# The tests use $CHROMIUM_PATH when it is set, /usr/bin/chromium otherwise; this script checks the same path.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

report() {
    local version
    version="$("$CHROMIUM" --version 2>/dev/null | tail -n 1 || true)"
    echo "install-browser: using $CHROMIUM${version:+ ($version)}"
}

if [[ -x "$CHROMIUM" ]]; then
    report
    exit 0
fi

if [[ "$CHROMIUM" != /usr/bin/chromium ]]; then
    echo "install-browser: CHROMIUM_PATH=$CHROMIUM is not an executable file;" \
         "unset CHROMIUM_PATH to install Debian's chromium at /usr/bin/chromium." >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: $CHROMIUM is missing and apt-get is not available;" \
         "install Chromium yourself and set CHROMIUM_PATH to its executable." >&2
    exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-browser: $CHROMIUM is missing and installing it needs root (run this script as root" \
             "or install the 'chromium' package)." >&2
        exit 1
    fi
fi

echo "install-browser: $CHROMIUM not found; installing the Debian package 'chromium'..."
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update \
        || ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; then
    echo "install-browser: could not install chromium with apt-get (see the messages above)." >&2
    exit 1
fi

if [[ ! -x "$CHROMIUM" ]]; then
    echo "install-browser: apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
fi
report
