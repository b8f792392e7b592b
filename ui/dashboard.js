// The dev up dashboard: plain DOM, ES modules, no build step. State comes from /events (server-sent events:
// one snapshot, then deltas and log batches); actions are POSTs to /actions (same origin, the
// token in an HttpOnly cookie). Every text from the stack goes in through textContent, never HTML.
import { COLUMNS, diffRow, layoutRows, rowModel } from "./service-rows.js";

const MAX_LINES = 20000; // kept in memory
const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const state = { project: "", services: new Map(), events: [], busy: new Map(), lines: [], dropped: 0, paused: false, pending: 0 };
const saved = JSON.parse(localStorage.getItem("dev-dashboard") || "{}");
const prefs = { sources: saved.sources || [], level: saved.level || "", stream: saved.stream || "", filter: saved.filter || "", wrap: !!saved.wrap, group: saved.group !== false, compact: !!saved.compact };
const savePrefs = () => localStorage.setItem("dev-dashboard", JSON.stringify(prefs));

// ---- services -------------------------------------------------------------------------------

function cellItems(td, col, items) {
  td.replaceChildren(
    ...items.map((it) => {
      if (col === "actions") {
        const b = el("button", "", it.text);
        b.dataset.action = it.action;
        b.dataset.service = td.parentElement.dataset.service;
        b.disabled = it.disabled;
        return b;
      }
      const a = el("a", it.cls, it.text);
      a.href = it.href;
      a.target = "_blank";
      a.rel = "noopener";
      if (it.title) a.title = it.title;
      return a;
    }),
  );
}

// One row per service, kept while the service is: an update writes only the cells whose text,
// class, links or buttons differ from what the row shows (diffRow). Updates are batched into one
// frame; rows are moved (not rebuilt) only when the set of services, their groups or the grouping
// change.
const rows = new Map(); // service -> { tr, cells, model }
const dirty = new Set();
let renderQueued = false;
let layoutKey = "";

function renderServices(changed) {
  for (const n of changed ?? state.services.keys()) dirty.add(n);
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(drawServices);
}

function drawServices() {
  renderQueued = false;
  const layout = layoutRows(state.services.values(), prefs.group);
  if (layout.key !== layoutKey) {
    layoutKey = layout.key;
    for (const name of rows.keys()) if (!state.services.has(name)) rows.delete(name);
    const trs = layout.rows.map((r) => {
      if (r.service === undefined) {
        const tr = el("tr", "group");
        tr.setAttribute("role", "row");
        const td = el("td", "", `${r.group} (${r.count})`);
        td.setAttribute("role", "cell");
        td.colSpan = COLUMNS.length;
        tr.append(td);
        return tr;
      }
      let row = rows.get(r.service);
      if (!row) {
        const tr = el("tr");
        tr.dataset.service = r.service;
        tr.setAttribute("role", "row");
        row = { tr, cells: COLUMNS.map(() => el("td")), model: undefined };
        for (const td of row.cells) td.setAttribute("role", "cell");
        tr.append(...row.cells);
        rows.set(r.service, row);
        dirty.add(r.service);
      }
      return row.tr;
    });
    document.querySelector("#services tbody").replaceChildren(...trs);
    renderSources();
  }
  const now = Date.now();
  for (const name of dirty) {
    const s = state.services.get(name);
    const row = rows.get(name);
    if (!s || !row) continue;
    const model = rowModel(s, state.busy.get(name), now);
    for (const c of diffRow(row.model, model)) {
      const td = row.cells[c.index];
      if (c.cls !== undefined) td.className = c.cls;
      if (c.text !== undefined) td.textContent = c.text;
      if (c.items !== undefined) cellItems(td, COLUMNS[c.index], c.items);
    }
    row.model = model;
  }
  dirty.clear();
  $("services").classList.toggle("compact", prefs.compact);
}

// The uptime counts on here: the server sends nothing while nothing changes. Only the cells whose
// text changed are written.
setInterval(() => renderServices(), 1000);

document.addEventListener("click", async (ev) => {
  const b = ev.target.closest("button[data-action]");
  if (!b) return;
  const { service, action } = b.dataset;
  state.busy.set(service, action);
  renderServices([service]);
  const out = $("outcome");
  out.className = "";
  out.textContent = `${service}: ${action}…`;
  try {
    const res = await fetch("/actions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service, action }) });
    const text = await res.text();
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      result = { state: "failed", message: text };
    }
    showOutcome({ service, action, ...result });
  } catch (err) {
    showOutcome({ service, action, state: "failed", message: String(err) });
  }
});

function showOutcome(a) {
  if (a.state === "running") state.busy.set(a.service, a.action);
  else state.busy.delete(a.service);
  if (a.state !== "running") {
    const out = $("outcome");
    out.className = a.state === "failed" ? "failed" : "done";
    out.textContent = `${a.service}: ${a.action} ${a.state === "failed" ? "failed" : "done"}${a.seconds !== undefined ? ` in ${a.seconds.toFixed(2)} s` : ""}${a.message ? `\n${a.message}` : ""}`;
  }
  renderServices([a.service]);
}

// ---- events ---------------------------------------------------------------------------------

function eventItem(e) {
  const li = el("li", e.type);
  li.dataset.service = e.service;
  li.dataset.type = e.type;
  li.append(el("span", "t", new Date(e.at).toLocaleTimeString()), " ", el("b", "", e.service));
  if (e.type === "reload") {
    const label = { process: "process reload", container: "container restart", rebuild: "rebuild", recreate: "recreated" }[e.kind] || e.kind;
    li.append(el("span", "kind", label));
    if (!e.ok) li.append(el("span", "", `failed after ${(e.restartMs / 1000).toFixed(2)} s`));
    else if (e.latencyMs !== undefined) li.append(el("span", "latency", `save → served ${(e.latencyMs / 1000).toFixed(2)} s`));
    else li.append(el("span", "", `${(e.restartMs / 1000).toFixed(2)} s`));
    if (e.cause) li.append(" ", el("span", "files", `(${e.cause})`));
    if (!e.ok) li.append(" ", el("span", "crash", e.error || "failed"));
    if (e.files.length) li.append(el("div", "files", e.files.slice(0, 5).join(", ") + (e.files.length > 5 ? ` and ${e.files.length - 5} more` : "")));
  } else {
    li.append(" ", el("span", "crash", `${e.why}; restarting in ${e.backoffMs >= 1000 ? `${(e.backoffMs / 1000).toFixed(1)} s` : `${e.backoffMs} ms`}`));
    if (e.lines.length) li.append(el("pre", "", e.lines.join("\n")));
  }
  return li;
}

function renderEvents() {
  const list = $("events");
  list.replaceChildren(...state.events.slice(-100).reverse().map(eventItem));
}

// ---- logs -----------------------------------------------------------------------------------

const LEVEL = /\b(error|err|fatal|critical|exception|traceback|panic)\b|\b(warn|warning)\b/i;
const levelOf = (l) => {
  if (l.lv !== undefined) return l.lv;
  const m = LEVEL.exec(l.m);
  l.lv = m ? (m[1] ? "error" : "warn") : l.e === "err" ? "" : "";
  return l.lv;
};

let matcher = () => true;
function compileFilter() {
  const f = prefs.filter;
  const input = $("filter");
  input.classList.remove("bad");
  let text = () => true;
  const re = /^\/(.*)\/([a-z]*)$/.exec(f);
  if (re) {
    try {
      const r = new RegExp(re[1], re[2].replace(/[gy]/g, ""));
      text = (l) => r.test(l.m);
    } catch {
      input.classList.add("bad");
    }
  } else if (f) {
    const low = f.toLowerCase();
    text = (l) => l.m.toLowerCase().includes(low);
  }
  const sources = new Set(prefs.sources);
  const level = prefs.level;
  const stream = prefs.stream;
  matcher = (l) =>
    (sources.size === 0 || sources.has(l.s)) &&
    (!stream || l.e === stream) &&
    (!level || (level === "error" ? levelOf(l) === "error" : levelOf(l) !== "")) &&
    text(l);
}

// The log view is virtual: only the rows in sight exist in the DOM (a few dozen), between two
// spacers that stand for the rest. However many lines arrive, a frame costs the same.
const ROW_PX = 17;
let shown = []; // the lines that pass the filters, oldest first (at most MAX_LINES)
let follow = true;
let lastSetScroll = -1;

function lineRow(l) {
  const d = el("div", l.e === "err" ? "err" : levelOf(l) === "warn" ? "lv-warn" : "");
  d.append(el("span", "t", l.t.slice(11, 23) + " "), el("span", "s", l.s + " "), l.m);
  return d;
}

let drawQueued = false;
function drawLogs() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    const box = $("logs");
    const view = Math.ceil(box.clientHeight / ROW_PX) + 10;
    const total = shown.length;
    const first = follow ? Math.max(0, total - view) : Math.min(Math.max(0, Math.floor(box.scrollTop / ROW_PX) - 5), Math.max(0, total - view));
    const last = Math.min(total, first + view);
    const top = el("div", "spacer");
    top.style.height = `${first * ROW_PX}px`;
    const bottom = el("div", "spacer");
    bottom.style.height = `${(total - last) * ROW_PX}px`;
    const frag = document.createDocumentFragment();
    frag.append(top);
    for (let i = first; i < last; i++) frag.append(lineRow(shown[i]));
    frag.append(bottom);
    box.replaceChildren(frag);
    if (follow) lastSetScroll = box.scrollTop = box.scrollHeight;
    note();
  });
}

$("logs").addEventListener("scroll", () => {
  const box = $("logs");
  if (box.scrollTop === lastSetScroll) return;
  follow = box.scrollHeight - box.scrollTop - box.clientHeight < ROW_PX * 2;
  drawLogs();
});

function rebuildLogs() {
  shown = state.lines.filter(matcher);
  follow = true;
  drawLogs();
}

function appendLogs(lines) {
  if (state.paused) {
    state.pending += lines.filter(matcher).length;
    note();
    return;
  }
  for (const l of lines) if (matcher(l)) shown.push(l);
  if (shown.length > MAX_LINES) shown.splice(0, shown.length - MAX_LINES);
  drawLogs();
}

function note() {
  const parts = [];
  if (state.dropped) parts.push(`${state.dropped.toLocaleString()} older lines dropped`);
  if (state.paused) parts.push(`paused${state.pending ? `: ${state.pending.toLocaleString()} new lines` : ""}`);
  $("log-note").textContent = parts.join("; ");
}

function onLogs(batch) {
  state.lines.push(...batch.lines);
  if (batch.dropped) state.dropped += batch.dropped;
  if (state.lines.length > MAX_LINES) {
    const cut = state.lines.length - MAX_LINES;
    state.lines.splice(0, cut);
    state.dropped += cut;
  }
  appendLogs(batch.lines);
}

function renderSources() {
  const box = $("sources");
  const names = [...state.services.keys()].sort();
  if (box.dataset.names === names.join(",")) return;
  box.dataset.names = names.join(",");
  box.replaceChildren(
    ...names.map((n) => {
      const label = el("label");
      const cb = el("input");
      cb.type = "checkbox";
      cb.value = n;
      cb.checked = prefs.sources.includes(n);
      label.append(cb, ` ${n}`);
      return label;
    }),
  );
}

$("sources").addEventListener("change", () => {
  prefs.sources = [...document.querySelectorAll("#sources input:checked")].map((c) => c.value);
  savePrefs();
  compileFilter();
  rebuildLogs();
});
for (const id of ["level", "stream"]) {
  $(id).value = prefs[id];
  $(id).addEventListener("change", () => {
    prefs[id] = $(id).value;
    savePrefs();
    compileFilter();
    rebuildLogs();
  });
}
let filterTimer;
$("filter").value = prefs.filter;
$("filter").addEventListener("input", () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    prefs.filter = $("filter").value;
    savePrefs();
    compileFilter();
    rebuildLogs();
  }, 120);
});
$("wrap").checked = prefs.wrap;
$("logs").classList.toggle("wrap", prefs.wrap);
$("wrap").addEventListener("change", () => {
  prefs.wrap = $("wrap").checked;
  savePrefs();
  $("logs").classList.toggle("wrap", prefs.wrap);
});
$("pause").addEventListener("click", () => {
  state.paused = !state.paused;
  $("pause").textContent = state.paused ? "resume" : "pause";
  if (!state.paused) {
    state.pending = 0;
    rebuildLogs();
  }
  note();
});
$("clear").addEventListener("click", () => {
  state.lines = [];
  state.pending = 0;
  state.dropped = 0;
  rebuildLogs();
});
for (const id of ["group", "compact"]) {
  $(id).checked = prefs[id];
  $(id).addEventListener("change", () => {
    prefs[id] = $(id).checked;
    savePrefs();
    renderServices();
  });
}

// ---- the push channel -----------------------------------------------------------------------

function connect() {
  const conn = $("conn");
  const source = new EventSource("/events");
  source.addEventListener("snapshot", (m) => {
    const snap = JSON.parse(m.data);
    state.project = snap.project;
    $("project").textContent = `${snap.project}`;
    document.title = `${snap.project} · dev up`;
    state.services = new Map(snap.services.map((s) => [s.service, s]));
    state.events = snap.events;
    state.busy = new Map(Object.entries(snap.busy || {}));
    state.lines = [];
    shown = [];
    conn.textContent = "live";
    conn.className = "conn live";
    renderServices();
    renderEvents();
  });
  source.addEventListener("delta", (m) => {
    const d = JSON.parse(m.data);
    for (const s of d.services || []) state.services.set(s.service, s);
    for (const n of d.removed || []) state.services.delete(n);
    if (d.events) {
      state.events.push(...d.events);
      renderEvents();
    }
    if (d.removed) renderServices();
    else if (d.services) renderServices(d.services.map((s) => s.service));
  });
  source.addEventListener("logs", (m) => onLogs(JSON.parse(m.data)));
  source.addEventListener("action", (m) => showOutcome(JSON.parse(m.data)));
  source.onerror = () => {
    // The browser reconnects by itself (retry: 1 s); meanwhile the page says so.
    conn.textContent = "dev up is not running (reconnecting…)";
    conn.className = "conn gone";
  };
}

compileFilter();
connect();
