#!/usr/bin/env bash
# The acceptance screenshots of issue 21 (docs/screenshots/): a certificate page, the
# cross-profile matrix and a comparison of two runs, each rendered by a real headless Chromium
# (Debian's chromium package) from the files a run writes. Run after `make certify`:
#     bash tools/screenshots.sh
# It also makes the second run the comparison needs: paradex against its mock with a defect.
set -euo pipefail
cd "$(dirname "$0")/.."
browser=${CHROMIUM:-/usr/bin/chromium}
[ -x "$browser" ] || { echo "screenshots: no Chromium at $browser (apt install chromium)" >&2; exit 2; }
out=docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

shoot() {  # page, png, height[, width]: the page as a window that size (1400 px wide) shows it
    # --no-sandbox: CI and these machines run as root; the background flags keep Chromium from
    # dialling out of a closed network.
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile" --hide-scrollbars --window-size="${4:-1400},$3" \
        --screenshot="$2" "file://$(realpath "$1")" 2>/dev/null
    echo "screenshots: $2"
}

.venv/bin/python -m pytest -q -p no:randomly suites/paradex --profile paradex \
    --mock-defect accept-expired --report-dir "$work/defect" >/dev/null || true
.venv/bin/wsconform compare reports/paradex/results.json "$work/defect/paradex/results.json" \
    --differences -o "$work/diff" >/dev/null
shoot reports/certification/paradex-latest/index.html "$out/certificate.png" 2400
shoot reports/matrix.html "$out/matrix.png" 2000 1900
shoot "$work/diff.html" "$out/compare-differences.png" 900
