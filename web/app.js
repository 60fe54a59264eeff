// The playground page: form → chart.request, progress → bar, chart → image + spec editor,
// error → inline alert, reload events (chartd serve --dev) → status + re-rendered chart.
import { Connection } from "./connection.js";

const $ = (id) => document.getElementById(id);
const el = {
  form: $("ask"), prompt: $("prompt"), sample: $("sample"), sampleData: $("sample-data"),
  sampleSpecs: $("sample-specs"), data: $("data"), file: $("file"), dataSummary: $("data-summary"),
  theme: $("theme"), format: $("format"), width: $("width"), height: $("height"), scale: $("scale"),
  send: $("send"), cancel: $("cancel"), reset: $("reset"), history: $("history"),
  progress: $("progress"), progressLabel: $("progress-label"), stages: $("stages"),
  error: $("error"), errorCode: $("error-code"), errorMessage: $("error-message"), errorRetry: $("error-retry"),
  figure: $("figure"), chart: $("chart"), pdfNote: $("pdf-note"), caption: $("caption"),
  downloads: $("downloads"), downloadImage: $("download-image"), downloadSpec: $("download-spec"),
  spec: $("spec"), render: $("render"), formatSpec: $("format-spec"),
  conn: $("conn-status"), planner: $("planner-status"), reload: $("reload-status"),
};

let current = null;        // { id, entry } of the request in flight
let sentData = null;       // the data box text the conversation has (the server keeps it)
let samples = { data: [] };
let specUrl = null;        // object URL behind "Download spec"
let subscribing = false;   // a subscribe message awaits its answer (or refusal)

// ---- connection -----------------------------------------------------------------------

// With CHARTD_API_KEYS set, open the page as /?token=<key>: the key goes with the WebSocket
// handshake and the API calls (the page itself and the samples are public).
const token = new URLSearchParams(location.search).get("token");
const withToken = (url) => (token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url);
const wsUrl = withToken(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`);
const conn = new Connection(wsUrl, {
  // resumed: a reconnect that continues the session (the chart and its history are the
  // server's). The data goes again with the next prompt all the same: the same data continues
  // the conversation, and a server that lost it (a restart without Redis) gets it back.
  open(hello, resumed) {
    sentData = null;
    el.conn.textContent = `${resumed ? "reconnected" : "connected"} · chartd ${hello.version}`
      + (resumed ? " · conversation continues" : "");
    el.conn.dataset.state = "open";
    el.planner.textContent = hello.planner ? `planner: ${hello.planner}` : "";
    fillThemes(hello.themes || []);
    fillExamples(hello.chart_types || []);
    // Live re-render on script reload (servers started with --dev). Servers without it
    // refuse the message with an error that has no id; that only hides the status.
    subscribing = true;
    conn.send({ type: "subscribe", events: ["reload"], rerender: true });
  },
  close(reason) {
    el.conn.textContent = `disconnected (${reason}) · reconnecting…`;
    el.conn.dataset.state = "closed";
    setBusy(false);
  },
  // Messages no request waits for: reload events, and the live re-render of the last
  // request that the server resubmits (same id) after a successful reload.
  message(msg) {
    if (msg.type === "reload") return showReload(msg);
    if (msg.type === "subscribed") { subscribing = false; return showReload(msg); }
    if (msg.type === "error" && msg.id == null && subscribing) { subscribing = false; return; }
    if (current) return; // a newer request owns the progress bar and the image
    if (msg.type === "progress") return showProgress(msg);
    if (msg.type === "chart") return showChart(msg);
    if (msg.type === "error") return showError(msg);
  },
});

// ---- requests -------------------------------------------------------------------------

function outputFields() {
  const f = { theme: el.theme.value, format: el.format.value, scale: Number(el.scale.value) };
  const w = parseInt(el.width.value, 10), h = parseInt(el.height.value, 10);
  if (Number.isFinite(w)) f.width = w;
  if (Number.isFinite(h)) f.height = h;
  return f;
}

// The data box as request data: JSON (an array of records becomes {values}), else CSV text.
function readData() {
  const text = el.data.value.trim();
  if (!text) return { data: undefined };
  if (text[0] === "[" || text[0] === "{") {
    try {
      const v = JSON.parse(text);
      return { data: Array.isArray(v) ? { values: v } : v };
    } catch (e) {
      return { error: { code: "invalid_json", message: `data box: ${e.message}` } };
    }
  }
  return { data: text };
}

// retry: the fields to send again when the conversation's data was dropped (data_evicted).
function start(fields, label, retry) {
  if (current) conn.cancel(current.id);
  clearError();
  resetProgress();
  const entry = document.createElement("li");
  entry.textContent = label;
  el.history.append(entry);
  const req = { entry, id: null };
  current = req; // before request(): a refusal (not connected) calls done() at once
  setBusy(true);
  req.id = conn.request(fields, {
    progress: (msg) => { if (current === req) showProgress(msg); },
    done: (msg) => {
      const result = document.createElement("span");
      result.className = msg.type === "chart" ? "ok" : "failed";
      result.textContent = msg.type === "chart" ? ` → ${msg.spec?.type ?? ""} chart` : ` → ${msg.code}`;
      entry.append(result);
      // what the server noted (styling it did not apply, columns it chose) or suggests
      const notes = msg.type === "chart" ? msg.notes : msg.suggestions && [`try: ${msg.suggestions.join(" · ")}`];
      if (notes && notes.length) {
        const list = document.createElement("ul");
        list.className = "notes";
        for (const n of notes) {
          const li = document.createElement("li");
          li.textContent = n;
          list.append(li);
        }
        entry.append(list);
      }
      if (current !== req) return; // superseded by a newer request
      current = null;
      setBusy(false);
      if (msg.type === "error" && msg.code === "data_evicted" && retry) return start(retry, `${label} (data sent again)`);
      if (msg.type === "chart") showChart(msg); else showError(msg);
    },
  });
}

// A prompt goes with the data box only when its text changed since it was last sent: the
// server keeps a conversation's data, so the same data again is a follow-up either way.
function ask() {
  const prompt = el.prompt.value.trim();
  if (!prompt) { el.prompt.focus(); return; }
  const d = readData();
  if (d.error) return showError(d.error);
  const fields = { prompt, ...outputFields() };
  const text = el.data.value.trim();
  const fresh = d.data !== undefined && text !== sentData;
  if (fresh) { fields.data = d.data; sentData = text; }
  const retry = d.data !== undefined && !fresh ? { ...fields, data: d.data } : null;
  start(fields, `“${prompt}”${fresh ? " (with data)" : ""}`, retry);
}

// Spec-only request: what the editor holds is what is drawn.
function renderSpec() {
  let spec;
  try {
    spec = JSON.parse(el.spec.value);
  } catch (e) {
    return showError({ code: "invalid_json", message: `spec editor: ${e.message}` });
  }
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    return showError({ code: "invalid_spec", message: "spec editor: the spec must be a JSON object" });
  }
  start({ spec }, `render spec (${spec.type ?? "no type"})`);
}

// ---- showing results ------------------------------------------------------------------

function setBusy(busy) {
  el.cancel.disabled = !busy;
  el.form.setAttribute("aria-busy", busy ? "true" : "false");
}

function resetProgress() {
  el.progress.value = 0;
  el.progressLabel.textContent = "sending…";
  el.stages.replaceChildren();
}

function showProgress(msg) {
  el.progress.value = msg.progress;
  el.progressLabel.textContent = `${msg.stage} · ${msg.progress}% — ${msg.message}`;
  let last = el.stages.lastElementChild;
  if (!last || last.dataset.stage !== msg.stage) {
    if (last) last.className = "done";
    last = document.createElement("li");
    last.dataset.stage = msg.stage;
    last.textContent = msg.stage.replace(/_/g, " ");
    el.stages.append(last);
  }
  last.className = msg.progress >= 100 ? "done" : "current";
}

function clearError() { el.error.hidden = true; }

function showError(msg) {
  el.errorCode.textContent = msg.code;
  el.errorMessage.textContent = msg.suggestions?.length
    ? `${msg.message} — try: ${msg.suggestions.join(" · ")}` : msg.message;
  el.errorRetry.textContent = msg.retryable ? "(temporary: try again)" : "";
  el.error.hidden = false;
  el.error.scrollIntoView({ block: "nearest" }); // Render sits below the fold: bring it into view
  if (el.progress.value > 0 || el.progressLabel.textContent === "sending…") {
    el.progressLabel.textContent = `stopped: ${msg.code}`;
  }
}

function showChart(msg) {
  clearError();
  const url = `data:${msg.mime};base64,${msg.data}`;
  const isPdf = msg.format === "pdf";
  el.figure.hidden = false;
  el.chart.hidden = isPdf;
  el.pdfNote.hidden = !isPdf;
  if (!isPdf) {
    el.chart.alt = msg.alt || `${msg.spec?.type ?? ""} chart`;
    el.chart.src = url;
    el.chart.style.width = `${msg.width}px`; // CSS size = spec size, whatever the scale
  }
  const t = msg.timings_ms || {};
  const bits = [`${msg.spec?.type ?? "?"} chart`, `${msg.width}×${msg.height} ${msg.format}`,
    `${(msg.bytes / 1024).toFixed(1)} KiB`];
  if (t.request_ms != null) bits.push(`${Math.round(t.request_ms)} ms`);
  if (msg.planner) bits.push(`planner: ${msg.planner}`);
  if (msg.synthetic) bits.push("illustrative data");
  el.caption.textContent = bits.join(" · ");
  el.downloads.hidden = false;
  el.downloadImage.href = url;
  el.downloadImage.download = `chart.${msg.format}`;
  el.downloadImage.textContent = `Download ${msg.format.toUpperCase()}`;
  if (msg.spec) {
    const text = JSON.stringify(msg.spec, null, 2);
    el.spec.value = text;
    if (specUrl) URL.revokeObjectURL(specUrl);
    specUrl = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    el.downloadSpec.href = specUrl;
    syncPickers(msg.spec);
  }
}

function showReload(msg) {
  el.reload.hidden = false;
  if (msg.type === "subscribed") {
    el.reload.textContent = `live reload on · generation ${msg.generation}`;
    el.reload.dataset.state = "ok";
    return;
  }
  const changed = (msg.changed || []).join(", ");
  if (msg.ok) {
    el.reload.textContent = `reloaded · generation ${msg.generation}${changed ? ` (${changed})` : ""}`;
    el.reload.dataset.state = "ok";
    // A reload may add or remove themes.
    fetch(withToken("v1/themes")).then((r) => r.json()).then((t) => fillThemes(t.themes || [])).catch(() => {});
  } else {
    el.reload.textContent = `reload failed · still generation ${msg.generation}: ${msg.error ?? "see the log"}`;
    el.reload.dataset.state = "failed";
  }
}

// ---- pickers, samples, data box ---------------------------------------------------------

function fillThemes(names) {
  if (!names.length) return;
  const keep = el.theme.value;
  el.theme.replaceChildren(...names.map((n) => new Option(n, n)));
  el.theme.value = names.includes(keep) ? keep : names[0];
}

// After a chart or a sample: the pickers show what the spec says.
function syncPickers(spec) {
  if (spec.theme && [...el.theme.options].some((o) => o.value === spec.theme)) el.theme.value = spec.theme;
  if (spec.format) el.format.value = spec.format;
  if (spec.width) el.width.value = spec.width;
  if (spec.height) el.height.value = spec.height;
  if (spec.scale && [...el.scale.options].some((o) => o.value === String(spec.scale))) {
    el.scale.value = String(spec.scale);
  }
}

// A picker change also edits the spec in the editor (when it parses), so Render draws it.
function pickerChanged() {
  let spec;
  try { spec = JSON.parse(el.spec.value); } catch { return; }
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return;
  Object.assign(spec, outputFields());
  el.spec.value = JSON.stringify(spec, null, 2);
}

function summarizeData() {
  const text = el.data.value.trim();
  if (!text) { el.dataSummary.textContent = "no data: prompts get illustrative data"; return; }
  const d = readData();
  if (d.error) { el.dataSummary.textContent = d.error.message; return; }
  if (typeof d.data === "string") {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    el.dataSummary.textContent = `CSV: ${Math.max(lines.length - 1, 0)} rows; columns ${lines[0].split(",").join(", ")}`;
  } else {
    const n = d.data.values?.length ?? d.data.rows?.length;
    el.dataSummary.textContent = `JSON${n != null ? `: ${n} rows` : ""}`;
  }
}

async function loadSamples() {
  try {
    const r = await fetch("samples/index.json");
    samples = await r.json();
  } catch { return; }
  el.sampleData.replaceChildren(...samples.data.map((s, i) => new Option(s.label, `data:${i}`)));
}

// One example spec per chart type the server knows (examples/<type>.json).
function fillExamples(types) {
  const keep = el.sample.value;
  el.sampleSpecs.replaceChildren(...types.map((t) => new Option(`${t} (example spec)`, `spec:${t}`)));
  el.sample.value = keep;
}

async function pickSample() {
  const [kind, key] = el.sample.value.split(":");
  if (!kind) return;
  const s = kind === "data" ? samples.data[Number(key)] : null;
  const r = await fetch(kind === "data" ? `samples/${s.file}` : `examples/${key}.json`);
  if (!r.ok) return showError({ code: "no_example", message: `no example spec for ${key} (HTTP ${r.status})` });
  const text = await r.text();
  if (kind === "data") {
    el.data.value = text;
    if (s.prompt && !el.prompt.value.trim()) el.prompt.value = s.prompt;
    summarizeData();
  } else {
    const spec = JSON.parse(text);
    el.spec.value = JSON.stringify(spec, null, 2);
    syncPickers(spec);
  }
}

async function openFile() {
  const f = el.file.files[0];
  if (!f) return;
  const text = await f.text();
  // A chart spec (an object with type and encoding) goes to the editor, anything else is data.
  try {
    const v = JSON.parse(text);
    if (v && !Array.isArray(v) && v.type && v.encoding) {
      el.spec.value = JSON.stringify(v, null, 2);
      syncPickers(v);
      return;
    }
  } catch { /* CSV */ }
  el.data.value = text;
  summarizeData();
}

// ---- wiring -----------------------------------------------------------------------------

el.form.addEventListener("submit", (e) => { e.preventDefault(); ask(); });
el.prompt.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(); }
});
el.data.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); ask(); }
});
el.spec.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); renderSpec(); }
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && current) conn.cancel(current.id);
});
el.render.addEventListener("click", renderSpec);
el.cancel.addEventListener("click", () => { if (current) conn.cancel(current.id); });
el.reset.addEventListener("click", () => {
  current = null;
  sentData = null; // a new connection's conversation has no data yet
  setBusy(false);
  el.history.replaceChildren();
  conn.reset();
});
el.formatSpec.addEventListener("click", () => {
  try { el.spec.value = JSON.stringify(JSON.parse(el.spec.value), null, 2); clearError(); } catch (e) {
    showError({ code: "invalid_json", message: `spec editor: ${e.message}` });
  }
});
for (const p of [el.theme, el.format, el.width, el.height, el.scale]) p.addEventListener("change", pickerChanged);
el.sample.addEventListener("change", pickSample);
el.file.addEventListener("change", openFile);
el.data.addEventListener("input", summarizeData);

summarizeData();
loadSamples();
