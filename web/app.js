// The playground page: form → chart.request, progress → bar, chart → image + spec editor,
// error → inline alert, reload events (chartd serve --dev) → status + re-rendered chart.
// The server's limits (hello.limits) are checked before anything is sent; the editor shows the
// spec with its data folded to one line; the chart can be copied as an embed URL or a curl command.
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
  announce: $("announce"), copyUrl: $("copy-url"), copyCurl: $("copy-curl"), share: $("share"),
  shareLabel: $("share-label"), shareText: $("share-text"),
};

let current = null;        // { id, entry } of the request in flight
let lastId = null;         // the id of the last request: a reload's live re-render comes under it
let sentData = null;       // the data box text the conversation has (the server keeps it)
let samples = { data: [] };
let specUrl = null;        // object URL behind "Download spec"
let subscribing = false;   // a subscribe message awaits its answer (or refusal)
let limits = null;         // hello.limits: max_request_bytes, max_rows, … (checked before sending)
let shown = null;          // the chart message on display (its spec has the data): re-render, copy
let folded = null;         // { placeholder, data }: the data the editor shows as one line

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
    limits = hello.limits || null;
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
    if (msg.id !== lastId) return; // a late answer to a request that was cancelled (superseded)
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

const KB = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KiB`);

// A request over the server's MAX_REQUEST_KB would close the connection (and lose the
// conversation): it is refused here, saying what the limit is.
function overLimit(fields) {
  if (!limits?.max_request_bytes) return null;
  const bytes = new TextEncoder().encode(JSON.stringify({ type: "chart.request", id: "r0", ...fields })).length;
  return bytes <= limits.max_request_bytes ? null : tooLarge("this request", bytes);
}

function tooLarge(what, bytes) {
  return { code: "too_large", message: `${what} is ${KB(bytes)}; the server takes at most `
    + `${KB(limits.max_request_bytes)} per message (MAX_REQUEST_KB). Nothing was sent: use less data, `
    + "or ask the server's operator to raise MAX_REQUEST_KB." };
}

// retry: the fields to send again when the conversation's data was dropped (data_evicted).
// redraw: a picker change drew the chart again (a later picker change may replace it).
function start(fields, label, retry, { redraw = false } = {}) {
  const over = overLimit(fields);
  if (over) return showError(over, { keepChart: true });
  if (current) conn.cancel(current.id);
  clearError();
  resetProgress();
  const entry = document.createElement("li");
  entry.textContent = label;
  el.history.append(entry);
  const req = { entry, id: null, redraw };
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
  lastId = req.id;
}

// A prompt goes with the data box only when its text changed since it was last sent: the
// server keeps a conversation's data, so the same data again is a follow-up either way.
function ask() {
  const prompt = el.prompt.value.trim();
  if (!prompt) { el.prompt.focus(); return; }
  const d = readData();
  if (d.error) return showError(d.error, { keepChart: true });
  const fields = { prompt, ...outputFields() };
  const text = el.data.value.trim();
  const fresh = d.data !== undefined && text !== sentData;
  if (fresh) fields.data = d.data;
  if (fresh && overLimit(fields)) return start(fields); // refused, and the data is not taken as sent
  if (fresh) sentData = text;
  const retry = d.data !== undefined && !fresh ? { ...fields, data: d.data } : null;
  start(fields, `“${prompt}”${fresh ? " (with data)" : ""}`, retry);
}

// Spec-only request: what the editor holds is what is drawn.
function renderSpec({ redraw = false } = {}) {
  let spec;
  try {
    spec = JSON.parse(el.spec.value);
  } catch (e) {
    return showError({ code: "invalid_json", message: `spec editor: ${e.message}` }, { keepChart: true });
  }
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    return showError({ code: "invalid_spec", message: "spec editor: the spec must be a JSON object" }, { keepChart: true });
  }
  if (folded && spec.data === folded.placeholder) spec.data = folded.data; // the folded line stands for it
  start({ spec }, `render spec (${spec.type ?? "no type"})`, null, { redraw });
}

// ---- the spec editor: what a reader looks for first, the data folded to one line -----------

const FIRST = ["type", "mark", "title", "subtitle", "description", "encoding", "options", "transform", "layer",
  "annotations", "theme", "format", "width", "height", "scale", "seed"];

function rowCount(data) {
  if (typeof data === "string") return data.split(/\r?\n/).filter((l) => l.trim() !== "").length - 1;
  if (Array.isArray(data)) return data.length;
  return data?.values?.length ?? data?.rows?.length ?? null;
}

// where: "from the data box", "of illustrative data", …
function showSpec(spec, where) {
  const out = {};
  for (const k of FIRST) if (k in spec && k !== "data") out[k] = spec[k];
  for (const k of Object.keys(spec)) if (!(k in out) && k !== "data") out[k] = spec[k];
  folded = null;
  if (spec.data !== undefined && spec.data !== null) {
    const n = rowCount(spec.data);
    const placeholder = `${n == null ? "the" : n} rows ${where} (folded: Render sends them)`;
    folded = { placeholder, data: spec.data, where };
    out.data = placeholder;
  }
  el.spec.value = JSON.stringify(out, null, 2);
}

// The editor's spec with its data back, or null when it does not parse.
function editorSpec() {
  let spec;
  try { spec = JSON.parse(el.spec.value); } catch { return null; }
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return null;
  if (folded && spec.data === folded.placeholder) spec.data = folded.data;
  return spec;
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

// keepChart: a refusal made here, before anything was sent (the chart on display still stands);
// an answer from the server clears the chart, which no longer matches what was asked.
function showError(msg, { keepChart = false } = {}) {
  if (!keepChart) {
    el.figure.hidden = true;
    el.downloads.hidden = true;
    el.share.hidden = true;
    el.chart.removeAttribute("src");
    shown = null;
  }
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
  shown = msg;
  el.share.hidden = true;
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
    const text = JSON.stringify(msg.spec, null, 2); // the download has the data in full
    if (specUrl) URL.revokeObjectURL(specUrl);
    specUrl = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    el.downloadSpec.href = specUrl;
    showSpec(msg.spec, msg.synthetic ? "of illustrative data" : sentData !== null ? "from the data box" : "of the spec's data");
    syncPickers(msg.spec);
  }
  el.announce.textContent = `Chart ready: ${msg.alt || bits.join(", ")}`;
  // On a phone the chart is far below the button that asked for it: bring it into view.
  const top = el.figure.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.6) el.figure.scrollIntoView({ block: "start" });
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
// The field being edited keeps what the user is typing (a redraw may answer meanwhile).
function syncPickers(spec) {
  const set = (picker, value) => { if (document.activeElement !== picker) picker.value = String(value); };
  if (spec.theme && [...el.theme.options].some((o) => o.value === spec.theme)) set(el.theme, spec.theme);
  if (spec.format) set(el.format, spec.format);
  if (spec.width) set(el.width, spec.width);
  if (spec.height) set(el.height, spec.height);
  if (spec.scale && [...el.scale.options].some((o) => o.value === String(spec.scale))) set(el.scale, spec.scale);
}

// A picker change edits the spec in the editor (when it parses) and, when a chart is on
// display, draws it again with the new theme, format or size.
function pickerChanged() {
  const spec = editorSpec();
  if (!spec) return;
  Object.assign(spec, outputFields());
  showSpec(spec, folded ? folded.where : "");
  // a redraw replaces a redraw still in flight (its size is already stale), never a prompt
  if (shown && (!current || current.redraw)) renderSpec({ redraw: true });
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
    const spec = fitToScreen(JSON.parse(text));
    showSpec(spec, "of the example");
    syncPickers(spec);
  }
}

async function openFile() {
  const f = el.file.files[0];
  if (!f) return;
  el.sample.value = ""; // the picker no longer names what the boxes hold
  // A file the server cannot take in one message is refused here: sending it would close the
  // connection, and the conversation with it.
  if (limits?.max_request_bytes && f.size > limits.max_request_bytes) {
    el.file.value = "";
    return showError(tooLarge(f.name, f.size), { keepChart: true });
  }
  const text = await f.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* CSV */ }
  // A chart spec (an object with type and encoding) goes to the editor, anything else is data.
  if (json && !Array.isArray(json) && (json.type || json.mark) && json.encoding) {
    fitToScreen(json);
    showSpec(json, `from ${f.name}`);
    syncPickers(json);
    return;
  }
  const rows = rowCount(json ?? text.trim());
  if (limits?.max_rows && rows > limits.max_rows) {
    el.file.value = "";
    return showError({ code: "too_large", message: `${f.name} has ${rows} rows; the server reads at most `
      + `${limits.max_rows}. Nothing was sent.` }, { keepChart: true });
  }
  el.data.value = text;
  summarizeData();
  el.announce.textContent = `${f.name}: ${el.dataSummary.textContent}`;
}

// ---- sharing: an embed URL (signed by the server when it has keys) and a curl command -----

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function share(what, text, note = "") {
  el.shareLabel.textContent = `${what} (${text.length.toLocaleString("en")} characters)${note}`;
  el.shareText.value = text;
  el.share.hidden = false;
  let copied = false;
  try { await navigator.clipboard.writeText(text); copied = true; } catch {
    el.shareText.select(); // no clipboard API (plain http on another host): the old way
    try { copied = document.execCommand("copy"); } catch { /* shown below for copying by hand */ }
  }
  el.shareLabel.textContent = `${copied ? "Copied" : "Select and copy"}: ${el.shareLabel.textContent}`;
  el.announce.textContent = copied ? `${what} copied` : `${what} shown below the chart`;
}

// A chart URL the server (and most proxies) cannot read — "GET <path> HTTP/1.1" over hello's
// max_request_line_bytes, 414 — is never handed out: the curl command that draws the chart is
// copied instead, saying why (a chart with its data inline soon outgrows a URL).
async function copyEmbedUrl() {
  if (!shown) return;
  const query = `spec=${base64url(JSON.stringify(shown.spec))}`;
  let path = `/v1/charts?${query}`;
  const line = `GET ${path}${token ? `&sig=${"0".repeat(64)}` : ""} HTTP/1.1`.length;
  const max = limits?.max_request_line_bytes;
  if (max && line > max) {
    return copyCurl(` instead of an embed URL: this chart's would be ${KB(line)}, over the ${KB(max)} a URL `
      + "can hold (its data makes it long); to show it in a page or an e-mail, download the image and host it");
  }
  if (token) { // a server with keys: it signs the URL, so the image shows without the key
    const r = await fetch(withToken(`v1/sign?${query}`));
    const body = await r.json().catch(() => ({}));
    if (!r.ok) return showError(body.code ? body : { code: "sign_failed", message: `v1/sign: HTTP ${r.status}` }, { keepChart: true });
    path = body.url;
  }
  share("Embed URL", `${location.origin}${path}`);
}

// note: why the curl command was copied (in place of an embed URL)
function copyCurl(note = "") {
  if (!shown) return;
  const auth = token ? ' -H "Authorization: Bearer $CHARTD_API_KEY"' : "";
  const cmd = `curl -s -X POST '${location.origin}/v1/charts' -H 'Content-Type: application/json'${auth} `
    + `--data-binary @- -o chart.${shown.format} <<'JSON'\n${JSON.stringify({ spec: shown.spec })}\nJSON`;
  share("curl command", cmd, note);
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
el.render.addEventListener("click", () => renderSpec());
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
el.data.addEventListener("input", () => { el.sample.value = ""; summarizeData(); });
el.copyUrl.addEventListener("click", copyEmbedUrl);
el.copyCurl.addEventListener("click", () => copyCurl());

// On a narrow screen (a phone) the chart is drawn at the width it is shown at, so its text
// has the size the theme meant (10 px and up), sharp on the screen's pixels: the size pickers
// start there, and a sample or file spec wider than the screen is brought to it.
function screenSize() {
  const box = el.figure.parentElement, css = getComputedStyle(box);
  // the panel's content width, less the image's 1 px borders
  const room = box.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) - 2;
  if (room <= 0 || room >= 800) return null;
  const width = Math.max(200, Math.floor(room / 10) * 10);
  return { width, height: Math.round((width * 0.75) / 10) * 10,
    scale: Math.min(3, Math.max(1, Math.round(window.devicePixelRatio || 1))) };
}

function fitToScreen(spec) {
  const fit = screenSize();
  if (!fit) return spec;
  if (spec === undefined) { // the pickers, at start
    el.width.value = String(fit.width);
    el.height.value = String(fit.height);
    el.scale.value = String(fit.scale);
  } else if (!(spec.width <= fit.width)) {
    Object.assign(spec, fit);
  }
  return spec;
}

fitToScreen();
summarizeData();
loadSamples();
