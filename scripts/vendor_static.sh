#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (versions pinned in package.json).
# The results are committed, so running Dropyard never needs npm or a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts >/dev/null
dest=dropyard/static/vendor
rm -rf "$dest" && mkdir -p "$dest"
# Tabler (a Bootstrap 5 admin kit): its CSS contains Bootstrap's, and its JS bundles Bootstrap's
# components with Popper (exported as window.tabler.bootstrap), so Bootstrap is not vendored apart.
cp node_modules/@tabler/core/dist/css/tabler.min.css "$dest/"
# Tom Select's own Bootstrap 5 theme (positions the dropdown), then Tabler's restyling of it.
cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css "$dest/"
cp node_modules/@tabler/core/dist/css/tabler-vendors.min.css "$dest/"
cp node_modules/@tabler/core/dist/js/tabler.min.js "$dest/"
cp node_modules/tom-select/dist/js/tom-select.complete.min.js "$dest/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/chart.js/dist/chart.umd.min.js "$dest/" 2>/dev/null || cp node_modules/chart.js/dist/chart.umd.js "$dest/chart.umd.min.js"
# Icons: one SVG sprite with only the icons the templates use ({% icon "name" %}, and the
# navigation's names listed in scripts/icons.txt), not Tabler's 5,000+ files; <use href> keeps it
# CSP-friendly (no inline SVG markup from JavaScript, no icon font).
node scripts/build_icon_sprite.js "$dest/tabler-sprite.svg"
# Source maps are not vendored: drop the comments that point at them, or the manifest storage
# of collectstatic fails on the missing files.
sed -i '/sourceMappingURL=/d' "$dest"/*.js "$dest"/*.css
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' "$dest"/*.css
for pkg in @tabler/core @tabler/icons tom-select htmx.org chart.js; do
  printf '%s %s\n' "$pkg" "$(node -p "require('./node_modules/$pkg/package.json').version")"
done > "$dest/VERSIONS"
cat "$dest/VERSIONS"
