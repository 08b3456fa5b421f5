#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (versions pinned in package.json).
# The results are committed, so running Dropyard never needs npm or a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts >/dev/null
dest=dropyard/static/vendor
rm -rf "$dest" && mkdir -p "$dest"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/chart.js/dist/chart.umd.min.js "$dest/" 2>/dev/null || cp node_modules/chart.js/dist/chart.umd.js "$dest/chart.umd.min.js"
# Source maps are not vendored: drop the comments that point at them, or the manifest storage
# of collectstatic fails on the missing files.
sed -i '/sourceMappingURL=/d' "$dest"/*.js "$dest"/*.css
for pkg in bootstrap htmx.org chart.js; do
  printf '%s %s\n' "$pkg" "$(node -p "require('./node_modules/$pkg/package.json').version")"
done > "$dest/VERSIONS"
cat "$dest/VERSIONS"
