#!/usr/bin/env bash
# Installs what the test suite needs beyond Swift: a headless Chromium (Debian's `chromium`
# package), in which HTMLPageTests loads the `--html` page. Does nothing when one is on the PATH;
# needs root (or sudo) and apt. `.ci/run` calls it first.
set -euo pipefail

for browser in chromium chromium-browser google-chrome; do
    if command -v "$browser" >/dev/null 2>&1; then
        echo "install-test-deps: $browser present"
        exit 0
    fi
done
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get here; install Chromium yourself, or set SHOOTDOWN_CHROMIUM to its binary" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
echo "install-test-deps: installing Debian's chromium package (headless browser for HTMLPageTests)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
command -v chromium
