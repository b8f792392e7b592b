// The dev up dashboard: plain DOM, no build step. State comes from /events (server-sent events:
// one snapshot, then deltas and log batches); actions are POSTs to /actions (same origin, the
// token in an HttpOnly cookie). Every text from the stack goes in through textContent, never HTML.
"use strict";

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

const age = (iso) => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
};

function linkCell(s) {
  const td = el("td", "links");
  if (s.url) {
    const a = el("a", "", new URL(s.url).pathname);
    a.href = s.url;
    a.target = "_blank";
    a.rel = "noopener";
    td.append(a);
  }
  if (s.httpsUrl) {
    const a = el("a", "https", "https");
    a.href = s.httpsUrl;
    a.target = "_blank";
    a.rel = "noopener";
    a.title = s.httpsUrl;
    td.append(a);
  }
  for (const p of s.ports) {
    const m = /^(.*):(\d+)->(\d+)$/.exec(p);
    if (!m) continue;
    const a = el("a", "", `:${m[2]}`);
    a.href = `http://${m[1] === "0.0.0.0" ? "127.0.0.1" : m[1]}:${m[2]}/`;
    a.target = "_blank";
    a.rel = "noopener";
    a.title = p;
    td.append(a);
  }
  return td;
}

function actionCell(s) {
  const td = el("td", "actions");
  const busy = state.busy.get(s.service);
  const stopped = s.state !== "running";
  for (const action of ["restart", "rebuild", stopped ? "start" : "stop"]) {
    if (action === "rebuild" && s.kind !== "service") continue;
    const b = el("button", "", busy === action ? `${action}…` : action);
    b.dataset.action = action;
    b.dataset.service = s.service;
    b.disabled = !!busy || (action === "restart" && stopped && s.state === "missing");
    td.append(b);
  }
  return td;
}

function serviceRow(s) {
  const tr = el("tr");
  tr.dataset.service = s.service;
  tr.append(
    el("td", "name", s.service),
    el("td", `state state-${s.state}`, s.exitCode !== undefined ? `${s.state} (${s.exitCode})` : s.state),
    el("td", `health-${s.health}`, s.health),
    el("td", "uptime", s.startedAt ? age(s.startedAt) : "-"),
    el("td", "restarts", String(s.restarts ?? 0)),
    el("td", "exit", s.exitCode !== undefined ? String(s.exitCode) : "-"),
    linkCell(s),
    el("td", "waits", s.waitingFor.length ? s.waitingFor.join(", ") : ""),
    actionCell(s),
  );
  return tr;
}

// Rows are rebuilt only for services that changed; the table is laid out again only when the
// set of services, their groups or the view options change.
let renderQueued = false;
let layoutKey = "";
const dirty = new Set();
const rows = new Map();
function renderServices(changed) {
  if (changed) for (const n of changed) dirty.add(n);
  else dirty.add("*");
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const body = document.querySelector("#services tbody");
    const all = [...state.services.values()].sort((a, b) => (prefs.group ? a.group.localeCompare(b.group) : 0) || a.service.localeCompare(b.service));
    const key = `${prefs.group}|${all.map((s) => `${s.group}/${s.service}`).join(",")}`;
    const everything = dirty.has("*") || key !== layoutKey;
    if (everything) {
      layoutKey = key;
      rows.clear();
      const counts = new Map();
      for (const s of all) counts.set(s.group, (counts.get(s.group) || 0) + 1);
      const frag = document.createDocumentFragment();
      let group;
      for (const s of all) {
        if (prefs.group && s.group !== group) {
          group = s.group;
          const tr = el("tr", "group");
          const td = el("td", "", `${group} (${counts.get(group)})`);
          td.colSpan = 9;
          tr.append(td);
          frag.append(tr);
        }
        const tr = serviceRow(s);
        rows.set(s.service, tr);
        frag.append(tr);
      }
      body.replaceChildren(frag);
    } else {
      for (const name of dirty) {
        const s = state.services.get(name);
        const old = rows.get(name);
        if (!s || !old) continue;
        const tr = serviceRow(s);
        old.replaceWith(tr);
        rows.set(name, tr);
      }
    }
    dirty.clear();
    $("services").classList.toggle("compact", prefs.compact);
    renderSources();
  });
}

// The uptime counts on here: the server sends nothing while nothing changes.
setInterval(() => {
  for (const td of document.querySelectorAll("#services td.uptime")) {
    const s = state.services.get(td.parentElement.dataset.service);
    if (s && s.startedAt) td.textContent = age(s.startedAt);
  }
}, 1000);

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
