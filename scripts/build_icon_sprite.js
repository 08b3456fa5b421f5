// The symbols leave stroke-width to the page (Tabler's .icon rule: 1.5).
// Build an SVG sprite of the Tabler outline icons Dropyard uses (called by vendor_static.sh).
// Names come from `{% icon "name" %}` in the templates and from scripts/icons.txt (names that
// Python code passes, such as the navigation's); each becomes <symbol id="tabler-NAME">.
const fs = require("fs");
const path = require("path");

const out = process.argv[2];
const names = new Set();
for (const line of fs.readFileSync("scripts/icons.txt", "utf8").split("\n")) {
  const name = line.replace(/#.*/, "").trim();
  if (name) names.add(name);
}
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith(".html")) {
      for (const m of fs.readFileSync(full, "utf8").matchAll(/\{%\s*icon\s+"([a-z0-9-]+)"/g)) {
        names.add(m[1]);
      }
    }
  }
}
walk("dropyard");
const iconDir = "node_modules/@tabler/icons/icons/outline";
const symbols = [...names].sort().map((name) => {
  const file = path.join(iconDir, `${name}.svg`);
  if (!fs.existsSync(file)) throw new Error(`no Tabler outline icon named ${name}`);
  const body = fs
    .readFileSync(file, "utf8")
    .replace(/^[\s\S]*?<svg[^>]*>/, "")
    .replace(/<\/svg>\s*$/, "")
    .replace(/<path stroke="none" d="M0 0h24v24H0z" fill="none" \/>/, "")
    .replace(/\s*\n\s*/g, "");
  return `<symbol id="tabler-${name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-linecap="round" stroke-linejoin="round">${body}</symbol>`;
});
fs.writeFileSync(
  out,
  `<svg xmlns="http://www.w3.org/2000/svg"><!-- Tabler Icons (MIT), see VERSIONS -->\n${symbols.join("\n")}\n</svg>\n`,
);
console.error(`${symbols.length} icons in ${out}`);
