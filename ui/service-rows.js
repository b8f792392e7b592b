// The service table as data, no DOM: what each row's cells show (rowModel), what changed since the
// row was last drawn (diffRow), and the order of rows and group headings (layoutRows). The page
// writes only what diffRow returns: a delta that touches 100 services changes a few cells each,
// never whole rows or the table.

/** The table's columns, in order; rowModel returns one cell per column. */
export const COLUMNS = ["name", "state", "health", "uptime", "restarts", "exit", "links", "waits", "actions"];

/** "42 s", "3m 7s", "2h 5m", "1d 4h": how long ago `iso` was, at `now` (ms since the epoch). */
export function age(iso, now) {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

function links(s) {
  const out = [];
  if (s.url) out.push({ text: new URL(s.url).pathname, href: s.url, cls: "", title: "" });
  if (s.httpsUrl) out.push({ text: "https", href: s.httpsUrl, cls: "https", title: s.httpsUrl });
  for (const p of s.ports) {
    const m = /^(.*):(\d+)->(\d+)$/.exec(p);
    if (!m) continue;
    out.push({ text: `:${m[2]}`, href: `http://${m[1] === "0.0.0.0" ? "127.0.0.1" : m[1]}:${m[2]}/`, cls: "", title: p });
  }
  return out;
}

function buttons(s, busy) {
  const stopped = s.state !== "running";
  const out = [];
  for (const action of ["restart", "rebuild", stopped ? "start" : "stop"]) {
    if (action === "rebuild" && s.kind !== "service") continue;
    out.push({ action, text: busy === action ? `${action}…` : action, disabled: !!busy || (action === "restart" && stopped && s.state === "missing") });
  }
  return out;
}

/**
 * One service's row: per column a class and either a text or items (the links cell: anchors; the
 * actions cell: buttons). `busy` is the action in progress for it, if any.
 */
export function rowModel(s, busy, now) {
  const exited = s.exitCode !== undefined;
  return [
    { cls: "name", text: s.service },
    { cls: `state state-${s.state}`, text: exited ? `${s.state} (${s.exitCode})` : s.state },
    { cls: `health health-${s.health}`, text: s.health },
    { cls: "uptime", text: s.startedAt ? age(s.startedAt, now) : "-" },
    { cls: "restarts", text: String(s.restarts ?? 0) },
    { cls: "exit", text: exited ? String(s.exitCode) : "-" },
    { cls: "links", items: links(s) },
    { cls: "waits", text: s.waitingFor.length ? s.waitingFor.join(", ") : "" },
    { cls: "actions", items: buttons(s, busy) },
  ];
}

const sameItem = (a, b) => Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);
const sameItems = (a, b) => a.length === b.length && a.every((x, i) => sameItem(x, b[i]));

/**
 * What to write to go from row `prev` (undefined: a new, empty row) to `next`: per changed cell its
 * index and only the parts that differ (cls, text, items).
 */
export function diffRow(prev, next) {
  const changes = [];
  next.forEach((cell, index) => {
    const old = prev?.[index];
    const change = { index };
    if (old?.cls !== cell.cls) change.cls = cell.cls;
    if ("text" in cell && old?.text !== cell.text) change.text = cell.text;
    if ("items" in cell && !(old?.items && sameItems(old.items, cell.items))) change.items = cell.items;
    if (Object.keys(change).length > 1) changes.push(change);
  });
  return changes;
}

/**
 * The table's rows in order: with `grouped`, by group then name, a heading before each group
 * (with its count); otherwise by name. `key` changes only when this order or the headings do.
 */
export function layoutRows(services, grouped) {
  const all = [...services].sort((a, b) => (grouped ? a.group.localeCompare(b.group) : 0) || a.service.localeCompare(b.service));
  const counts = new Map();
  for (const s of all) counts.set(s.group, (counts.get(s.group) || 0) + 1);
  const rows = [];
  let group;
  for (const s of all) {
    if (grouped && s.group !== group) {
      group = s.group;
      rows.push({ group, count: counts.get(group) });
    }
    rows.push({ service: s.service });
  }
  return { key: `${grouped}|${all.map((s) => `${s.group}/${s.service}`).join(",")}`, rows };
}
