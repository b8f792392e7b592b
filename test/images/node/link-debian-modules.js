// Lays out Debian's copy of the given packages and everything they depend on as an installed
// node_modules tree (links into /usr/share/nodejs), so an offline `npm install` in that folder
// finds the dependencies of a package.json that asks for them already satisfied.
"use strict";
const fs = require("fs");
const path = require("path");

const roots = ["/usr/share/nodejs", "/usr/lib/nodejs"];
const find = (name) => roots.map((r) => path.join(r, name)).find((p) => fs.existsSync(path.join(p, "package.json")));
const [target, ...wanted] = process.argv.slice(2);
const seen = new Set();
const visit = (name) => {
  if (seen.has(name)) return;
  const dir = find(name);
  if (!dir) throw new Error(`${name} is not among Debian's node packages`);
  seen.add(name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  for (const dep of Object.keys(pkg.dependencies || {})) visit(dep);
};
wanted.forEach(visit);
for (const name of seen) {
  const link = path.join(target, "node_modules", name);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(find(name), link);
}
console.log(`${seen.size} packages linked into ${target}/node_modules`);
