// The playground at a desktop's 1280 px and a phone's 400 px (device pixel ratio 2), against the
// real `chartd serve`: the spec editor shows type/encoding first with the data folded to one
// line (and sent back on Render); theme and format changes redraw the chart; on the phone the
// chart scrolls into view, is drawn at the width it is shown and no text on it is under 10 CSS px
// (font sizes from the scene of the image on display), and every control is a 44 px tap target;
// one announcement per chart; contrast of fields and stage chips; a file over the server's MAX_REQUEST_KB is refused before sending and the
// conversation goes on; an error clears the stale chart; "copy embed URL" (signed behind
// CHARTD_API_KEYS) and "copy curl" give commands that fetch the same image, and a chart too big
// for a URL (over hello's max_request_line_bytes) gets the curl command instead, saying why.
// Run: CHARTD_BIN=build/chartd node tests/browser/playground_mobile.test.mjs (ctest does this).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { ROOT, chartPixel, errorShown, launch, logTail, startServer, stopServer, waitChart } from "./harness.mjs";

const MAX_REQUEST_KB = 1024;
const themeBackground = (name) => {
  const hex = readFileSync(join(ROOT, "themes", `${name}.lua`), "utf8").match(/background\s*=\s*"#(\w{6})"/)[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)).concat(255);
};

// WCAG relative luminance contrast of two CSS colours as the page computes them.
function contrast(page, fg, bg) {
  return page.evaluate(([a, b]) => {
    const lum = (css) => {
      const [r, g, bl] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    };
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }, [fg, bg]);
}

// The chart replies the page received over its WebSocket, newest last.
function chartReplies(page) {
  const replies = [];
  page.on("websocket", (ws) => ws.on("framereceived", ({ payload }) => {
    if (typeof payload !== "string" || !payload.startsWith("{")) return;
    const msg = JSON.parse(payload);
    if (msg.type === "chart") replies.push(msg);
  }));
  return replies;
}

// The text of the chart on display as the reader sees it: the server draws the reply's spec
// again with its scene (POST, JSON), the same image byte for byte, and every text's font size
// and box height are scaled from the scene's units to the CSS px the image is shown at.
async function textOnScreen(server, page, reply) {
  const shown = await page.$eval("#chart", (e) => e.clientWidth); // the image, not its border
  const r = await fetch(`${server.base}/v1/charts`, {
    method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ spec: reply.spec, scene: true }) });
  const again = await r.json();
  assert.equal(r.status, 200, JSON.stringify(again).slice(0, 300));
  assert.deepEqual(Buffer.from(again.data, "base64"), await imageBytes(page), "the scene is of the image on display");
  const k = shown / again.scene.width;
  const texts = again.scene.items.filter((it) => it.kind === "text")
    .map((it) => ({ role: it.role, text: it.text, px: it.size * k, boxPx: (it.box ? it.box.h : it.h) * k }));
  assert.ok(texts.length > 5, `a chart with text: ${texts.length} texts`);
  return { k, texts };
}

async function liveCounter(page) {
  await page.evaluate(() => {
    window.__announced = 0;
    const obs = new MutationObserver((ms) => {
      const regions = new Set(ms.map((m) => (m.target.nodeType === 1 ? m.target : m.target.parentElement)
        .closest("[aria-live], [role=status], [role=alert]")).filter((r) => r && !r.hidden));
      window.__announced += regions.size;
    });
    for (const r of document.querySelectorAll("[aria-live], [role=status], [role=alert]")) {
      obs.observe(r, { childList: true, characterData: true, subtree: true });
    }
  });
}

// On a phone: the controls a finger cannot hit (under 44 px), and what sticks out of the screen
// (the page would scroll sideways).
function smallTargets(page) {
  return page.$$eval("button, .button, select, input, textarea", (els) => els
    .filter((e) => e.offsetParent !== null)
    .map((e) => ({ id: e.id, r: e.getBoundingClientRect() }))
    .filter(({ r }) => r.height < 44 || r.width < 44).map(({ id, r }) => `${id} ${r.width}x${r.height}`));
}

function widerThanScreen(page) {
  return page.evaluate(() => [...document.querySelectorAll("body *")]
    .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((e) => `${e.tagName.toLowerCase()}#${e.id} to ${Math.round(e.getBoundingClientRect().right)} px`));
}

async function specEditor(page) { return JSON.parse(await page.inputValue("#spec")); }

async function shared(page) {
  await page.waitForSelector("#share:not([hidden])");
  await page.waitForFunction(() => /^(Copied|Select and copy)/.test(document.getElementById("share-label").textContent));
  return { label: await page.textContent("#share-label"), text: await page.inputValue("#share-text") };
}

async function imageBytes(page) {
  return Buffer.from((await page.getAttribute("#chart", "src")).split(",")[1], "base64");
}

// Runs a copied curl command in a temp folder; returns the file it wrote.
function runCurl(cmd, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "chartd-curl-"));
  try {
    execFileSync("bash", ["-c", cmd], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    return readFileSync(join(dir, cmd.match(/-o (\S+)/)[1]));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

async function session(server, { width, phone }) {
  const { context, close } = await launch({ width, height: 860 }, { deviceScaleFactor: phone ? 2 : 1 });
  const page = context.pages()[0] || await context.newPage();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const replies = chartReplies(page);
  const tag = `${width}px`;
  try {
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#conn-status[data-state="open"]', { timeout: 15000 });

    // Contrast: field edges 3:1 on the panel (WCAG 1.4.11), stage chip text 4.5:1 (1.4.3).
    const edge = await page.$eval("#prompt", (e) => [getComputedStyle(e).borderTopColor,
      getComputedStyle(e.closest(".panel")).backgroundColor]);
    assert.ok(await contrast(page, ...edge) >= 3, `${tag}: field border contrast ${edge}`);
    const chips = await page.evaluate(() => ["", "done", "current"].map((cls) => {
      const li = document.createElement("li");
      li.className = cls;
      document.getElementById("stages").append(li);
      const s = getComputedStyle(li);
      const out = [s.color, s.backgroundColor];
      li.remove();
      return out;
    }));
    for (const [fg, bg] of chips) assert.ok(await contrast(page, fg, bg) >= 4.5, `${tag}: chip ${fg} on ${bg}`);

    if (phone) assert.deepEqual(await smallTargets(page), [], `${tag}: tap targets under 44 px`);

    // A prompt over the Cars sample: one announcement, the chart in view at its drawn size.
    await page.selectOption("#sample", { label: "Cars: 303 models, 1970-82 (CSV)" });
    await page.waitForFunction(() => document.getElementById("data").value.startsWith("Model,MPG"));
    await liveCounter(page);
    await page.focus("#prompt");
    await page.keyboard.press("Enter");
    let img = await waitChart(page, "");
    await page.waitForTimeout(100); // announcements made right after the image (none expected)
    assert.equal(await page.evaluate(() => window.__announced), 1, `${tag}: one announcement per chart`);
    assert.match(await page.textContent("#announce"), /^Chart ready: Bar chart/);
    const box = await page.$eval("#chart", (e) => { const r = e.getBoundingClientRect(); return { top: r.top, left: r.left, right: r.right, w: e.clientWidth }; });
    const scale = Number(await page.inputValue("#scale"));
    if (phone) {
      assert.ok(box.top >= 0 && box.top < 860 / 2, `${tag}: the chart scrolled into view (top ${box.top})`);
      assert.ok(box.right <= width, `${tag}: the chart fits the screen (right ${box.right})`);
      assert.equal(scale, 2, `${tag}: drawn for the screen's 2 device pixels per px`);
    }
    // Drawn at the size it is shown (never downscaled), every text at least 10 CSS px on the
    // screen: measured on the scene of the image on display.
    assert.equal(img.w, Math.round(box.w * scale), `${tag}: image ${img.w} px shown ${box.w} px at scale ${scale}`);
    const { k, texts } = await textOnScreen(server, page, replies.at(-1));
    const small = texts.filter((t) => t.px < 10).map((t) => `${t.role} "${t.text}" ${t.px.toFixed(1)} px`);
    assert.deepEqual(small, [], `${tag}: text under 10 px on the screen`);
    const least = (role) => Math.min(...texts.filter((t) => t.role === role).map((t) => t.px));
    console.log(`ok ${tag} chart ${img.w}x${img.h} shown ${box.w} px (x${k.toFixed(2)}), top ${Math.round(box.top)}; `
      + `smallest text ${Math.min(...texts.map((t) => t.px)).toFixed(1)} px (tick labels ${least("tick-label")} px, `
      + `boxes ${Math.min(...texts.map((t) => t.boxPx)).toFixed(1)} px high)`);

    // The editor: type and encoding first, the 303 rows folded to one line; Render sends them.
    let spec = await specEditor(page);
    const keys = Object.keys(spec);
    assert.equal(keys[0], "type", `${tag}: keys ${keys}`);
    assert.ok(keys.indexOf("encoding") <= 3, `${tag}: encoding near the top: ${keys}`);
    assert.equal(keys.at(-1), "data", `${tag}: the data last: ${keys}`);
    assert.match(spec.data, /^303 rows from the data box/);
    assert.ok((await page.inputValue("#spec")).split("\n").length < 60, `${tag}: the editor is short`);
    spec.title = "Folded and restored";
    await page.fill("#spec", JSON.stringify(spec, null, 2));
    await page.click("#render");
    img = await waitChart(page, img.src);
    assert.ok(img.alt.includes("Folded and restored"), img.alt);
    assert.match((await specEditor(page)).data, /^303 rows/, `${tag}: the data went with the spec`);
    console.log(`ok ${tag} editor folds the data: ${(await specEditor(page)).data}`);

    // A theme change redraws the chart (no Render click): the dark background, in the screenshot too.
    await page.selectOption("#theme", "dark");
    img = await waitChart(page, img.src);
    assert.deepEqual(await chartPixel(page, 2, 2), themeBackground("dark"), `${tag}: redrawn in the dark theme`);
    const now = await page.$eval("#chart", (e) => { const r = e.getBoundingClientRect(); return { left: r.left, top: r.top }; });
    const shot = await page.screenshot({ scale: "css" });
    const onScreen = await page.evaluate(async ([png, x, y]) => {
      const im = new Image();
      im.src = `data:image/png;base64,${png}`;
      await im.decode();
      const c = document.createElement("canvas");
      c.width = im.naturalWidth; c.height = im.naturalHeight;
      const g = c.getContext("2d");
      g.drawImage(im, 0, 0);
      return Array.from(g.getImageData(x, y, 1, 1).data);
    }, [shot.toString("base64"), Math.round(now.left + 4), Math.round(Math.max(now.top, 0) + 4)]);
    assert.ok(now.top > -2 && now.top < 860 - 40, `${tag}: the chart's corner is on the screen (top ${now.top})`);
    assert.deepEqual(onScreen, themeBackground("dark"), `${tag}: the redrawn chart is on the screen`);
    await page.selectOption("#format", "svg");
    img = await waitChart(page, img.src);
    assert.match(img.src, /^data:image\/svg\+xml/);
    await page.selectOption("#format", "png");
    img = await waitChart(page, img.src);
    console.log(`ok ${tag} theme and format changes redraw`);

    // Copy curl: the command draws the same image (POST, byte for byte). A chart with 303 rows
    // has no embed URL (over the 8 KiB request line the server reads): the button copies the
    // curl command instead and says why.
    await page.click("#copy-curl");
    let copied = await shared(page);
    assert.match(copied.label, /^Copied: curl command/);
    assert.deepEqual(runCurl(copied.text), await imageBytes(page), `${tag}: curl draws the same PNG`);
    await page.evaluate(() => { document.getElementById("share-label").textContent = ""; });
    await page.click("#copy-url");
    copied = await shared(page);
    assert.match(copied.label, /^Copied: curl command \([\d,]+ characters\) instead of an embed URL: this chart's would be \d+ KiB, over the 8 KiB a URL can hold/);
    assert.deepEqual(runCurl(copied.text), await imageBytes(page), `${tag}: the curl given instead draws the same PNG`);

    // A file over MAX_REQUEST_KB is refused before sending; the chart and the conversation stay.
    const turns = await page.$$eval("#history > li", (ls) => ls.length);
    const big = `x,y\n${Array.from({ length: 140000 }, (_, i) => `${i},${(i * 7919) % 1000}`).join("\n")}\n`;
    await page.setInputFiles("#file", { name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(big) });
    let err = await errorShown(page);
    assert.equal(err.code, "too_large");
    assert.match(err.message, /^big\.csv is 1\.\d MB; the server takes at most 1\.0 MB per message \(MAX_REQUEST_KB\)/);
    assert.equal(await page.$$eval("#history > li", (ls) => ls.length), turns, "nothing was sent");
    assert.equal(await page.isVisible("#chart"), true, "the chart stays after a refusal made before sending");
    assert.equal(await page.inputValue("#sample"), "", "the sample picker no longer names the data");
    await page.fill("#prompt", "make it a line chart");
    await page.click("#send");
    img = await waitChart(page, img.src);
    assert.match(img.alt, /^Line chart/, `${tag}: the conversation went on`);
    // A small file of one's own is taken (and the picker stays cleared).
    await page.setInputFiles("#file", { name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\nx,1\ny,2\nz,3\n") });
    await page.waitForFunction(() => document.getElementById("data").value.startsWith("a,b"));
    assert.match(await page.textContent("#data-summary"), /^CSV: 3 rows/);
    console.log(`ok ${tag} oversized file refused: ${err.message.slice(0, 70)}…`);

    // An error from the server clears the chart it no longer matches.
    spec = await specEditor(page);
    spec.encoding.y.field = "nope";
    await page.fill("#spec", JSON.stringify(spec));
    await page.click("#render");
    err = await errorShown(page);
    assert.equal(err.code, "unknown_field");
    assert.equal(await page.isVisible("#figure"), false, `${tag}: stale chart hidden`);
    assert.equal(await page.getAttribute("#chart", "src"), null);
    assert.equal(await page.isVisible("#downloads"), false);
    console.log(`ok ${tag} error clears the stale chart`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
}

// Other phones' widths (the narrowest 320 px phone, a 360 px Android, a 430 px large iPhone;
// device pixel ratio 3): the page never scrolls sideways and every control is a 44 px tap
// target; the sample's chart fits the screen, is not downscaled, and no text on it is under
// 10 CSS px.
async function phoneText(server, width) {
  const { context, close } = await launch({ width, height: 800 }, { deviceScaleFactor: 3 });
  const page = context.pages()[0] || await context.newPage();
  const replies = chartReplies(page);
  const tag = `${width}px`;
  try {
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#conn-status[data-state="open"]', { timeout: 15000 });
    await page.selectOption("#sample", { label: "Cars: 303 models, 1970-82 (CSV)" });
    await page.waitForFunction(() => document.getElementById("data").value.startsWith("Model,MPG"));
    await page.fill("#prompt", "average horsepower by origin");
    await page.click("#send");
    const img = await waitChart(page, "");
    assert.deepEqual(await widerThanScreen(page), [], `${tag}: nothing wider than the screen`);
    assert.deepEqual(await smallTargets(page), [], `${tag}: tap targets under 44 px`);
    const box = await page.$eval("#chart", (e) => ({ right: e.getBoundingClientRect().right, w: e.clientWidth }));
    assert.ok(box.right <= width, `${tag}: the chart fits the screen (right ${box.right})`);
    assert.equal(img.w, box.w * 3, `${tag}: image ${img.w} px shown ${box.w} px at 3 device pixels per px`);
    const { texts } = await textOnScreen(server, page, replies.at(-1));
    const small = texts.filter((t) => t.px < 10).map((t) => `${t.role} "${t.text}" ${t.px.toFixed(1)} px`);
    assert.deepEqual(small, [], `${tag}: text under 10 px on the screen`);
    console.log(`ok ${tag} chart shown ${box.w} px, smallest text ${Math.min(...texts.map((t) => t.px)).toFixed(1)} px`);
  } finally {
    await close();
  }
}

// Behind CHARTD_API_KEYS: the embed URL is signed and shows without the key; the curl command
// reads the key from the environment.
async function keyedSession(server, key) {
  const { context, close } = await launch({ width: 1280, height: 860 });
  const page = context.pages()[0] || await context.newPage();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  try {
    await page.goto(`${server.base}/?token=${key}`);
    await page.waitForSelector('#conn-status[data-state="open"]', { timeout: 15000 });
    await page.selectOption("#sample", { label: "bar (example spec)" });
    await page.waitForFunction(() => document.getElementById("spec").value.includes('"type": "bar"'));
    await page.click("#render");
    await waitChart(page, "");
    await page.click("#copy-url");
    const { text: url } = await shared(page).catch(async (e) => {
      throw new Error(`${e.message}; page errors ${pageErrors}; error box: ${await page.textContent("#error")}`);
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/charts\?spec=[\w-]+(&[a-z]+=[^&]*)*&sig=[0-9a-f]{64}$/);
    assert.doesNotMatch(url, /token=/, "the key is not in the URL");
    const r = await fetch(url);
    assert.equal(r.status, 200, `signed URL without a key: ${r.status}`);
    assert.equal(r.headers.get("content-type"), "image/png");
    const got = Buffer.from(await r.arrayBuffer());
    assert.deepEqual(got, await imageBytes(page), "the embed URL answers the chart on display");
    const refused = await fetch(url.replace(/spec=./, (m) => (m.endsWith("A") ? "spec=B" : "spec=A")));
    assert.equal(refused.status, 401, "a changed URL is refused");
    await page.click("#copy-curl");
    const { text: cmd } = await shared(page);
    assert.ok(cmd.includes("Authorization: Bearer $CHARTD_API_KEY"), cmd.slice(0, 200));
    assert.deepEqual(runCurl(cmd, { CHARTD_API_KEY: key }), got);
    // A chart with its data too long for a URL: nothing is asked of /v1/sign (it would be a 414);
    // the curl command with the key from the environment is copied instead.
    const signCalls = [];
    page.on("request", (req) => { if (req.url().includes("/v1/sign")) signCalls.push(req.url().length); });
    const spec = JSON.parse(await page.inputValue("#spec"));
    spec.data = { values: Array.from({ length: 600 }, (_, i) => ({ a: `item ${i % 7}`, b: (i * 37) % 101 })) };
    spec.encoding = { x: { field: "a", type: "nominal" }, y: { field: "b", aggregate: "sum", type: "quantitative" } };
    await page.fill("#spec", JSON.stringify(spec));
    const before = await page.$eval("#chart", (e) => e.src);
    await page.click("#render");
    await waitChart(page, before).catch(async (e) => {
      throw new Error(`${e.message}; error box: ${await page.textContent("#error")}`);
    });
    await page.evaluate(() => { document.getElementById("share-label").textContent = ""; });
    await page.click("#copy-url");
    const big = await shared(page);
    assert.match(big.label, /^Copied: curl command .* instead of an embed URL: this chart's would be \d+ KiB, over the 8 KiB/);
    assert.deepEqual(signCalls, [], "no /v1/sign request for a URL the server cannot read");
    assert.deepEqual(runCurl(big.text, { CHARTD_API_KEY: key }), await imageBytes(page), "the curl draws the chart on display");
    assert.equal(await page.isVisible("#error"), false, "no error shown");
    assert.deepEqual(pageErrors, []);
    console.log("ok keyed: signed embed URL shows without the key; curl with $CHARTD_API_KEY");
  } finally {
    await close();
  }
}

const servers = [];
let failed = false;
try {
  const server = await startServer({ MAX_REQUEST_KB: String(MAX_REQUEST_KB) });
  servers.push(server);
  await session(server, { width: 1280, phone: false });
  await session(server, { width: 400, phone: true });
  for (const width of [320, 360, 430]) await phoneText(server, width);
  const key = "k-mobile-1";
  const keyed = await startServer({ CHARTD_API_KEYS: key });
  servers.push(keyed);
  await keyedSession(keyed, key);
} catch (e) {
  failed = true;
  console.error("FAIL", e.stack || e.message);
  for (const s of servers) console.error(`--- chartd log (tail) ---\n${logTail(s)}`);
} finally {
  for (const s of servers) await stopServer(s);
}
process.exit(failed ? 1 : 0);
