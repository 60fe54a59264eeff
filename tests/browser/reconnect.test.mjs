// Browser test of the playground's reconnect: Debian's headless chromium (playwright-core) on the
// page served through nginx by a two-replica cluster with Redis (scripts/cluster.sh up 2). A
// prompt over a sample dataset draws a chart; the replica that served it is killed (kill -9);
// the page reconnects through nginx with its session token, lands on the other replica, and a
// follow-up ("make it a line chart") edits that same chart — the conversation was kept.
// Run: CHARTD_BIN=build/chartd node tests/browser/reconnect.test.mjs (ctest does this).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = resolve(process.env.CHARTD_BIN || join(ROOT, "build", "chartd"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const { chromium } = await import("playwright-core");

const dir = mkdtempSync(join(tmpdir(), "chartd-browser-cluster-"));
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|LLM_|CHART|MAX_|PORT$)/.test(k))),
  CHARTD_CLUSTER_DIR: dir, CHARTD_BIN: BIN, CHARTD_WORKERS: "1", LLM_PROVIDER: "offline" };
const cluster = (...args) => execFileSync(join(ROOT, "scripts", "cluster.sh"), args, { env, timeout: 120000 }).toString();

async function metric(port, name) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line ? Number(line.split(" ")[1]) : 0;
}

async function waitChart(page, previous) {
  await page.waitForFunction((prev) => {
    const img = document.getElementById("chart");
    return img.src && img.src !== prev && img.complete && img.naturalWidth > 0;
  }, previous, { timeout: 20000 });
  return page.$eval("#chart", (img) => ({ src: img.src, alt: img.alt }));
}

cluster("up", "2");
const vars = Object.fromEntries(readFileSync(join(dir, "cluster.env"), "utf8").trim().split("\n").map((l) => l.split("=")));
const replicas = [1, 2].map((i) => ({ port: vars[`REPLICA_${i}_PORT`], pid: Number(vars[`REPLICA_${i}_PID`]) }));
const profile = mkdtempSync(join(tmpdir(), "chartd-browser-profile-"));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 860 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const sessions = [];
  page.on("websocket", (ws) => sessions.push(new URL(ws.url()).searchParams.get("session")));

  // 1. Through nginx: a prompt over the Cars sample draws a bar chart of mean MPG by origin.
  await page.goto(`${vars.FRONT_URL}/`);
  await page.waitForSelector('#conn-status[data-state="open"]', { timeout: 15000 });
  await page.selectOption("#sample", { label: "Cars: 303 models, 1970-82 (CSV)" });
  await page.waitForFunction(() => document.getElementById("data").value.startsWith("Model,MPG"));
  const stored = await Promise.all(replicas.map((r) => metric(r.port, 'chartd_sessions_total{event="stored"}')));
  await page.fill("#prompt", "average mpg by origin");
  await page.click("#send");
  let img = await waitChart(page, "");
  let spec = JSON.parse(await page.inputValue("#spec"));
  assert.equal(spec.type, "bar");
  assert.equal(spec.encoding.x.field, "Origin");
  const now = await Promise.all(replicas.map((r) => metric(r.port, 'chartd_sessions_total{event="stored"}')));
  const served = replicas.findIndex((r, i) => now[i] > stored[i]);
  assert.ok(served >= 0, `a replica stored the session: ${stored} → ${now}`);
  console.log(`ok 1 bar chart through nginx, served by replica ${served + 1}`);

  // 2. The replica dies; the page sees the drop and reconnects with its session.
  process.kill(replicas[served].pid, "SIGKILL");
  await page.waitForSelector('#conn-status[data-state="closed"]', { timeout: 15000 });
  await page.waitForFunction(() => /^reconnected · .* · conversation continues$/.test(
    document.getElementById("conn-status").textContent), null, { timeout: 20000 });
  assert.equal(sessions.length, 2, `two WebSockets: ${sessions}`);
  assert.equal(sessions[0], null, "the first one starts a session");
  assert.match(sessions[1], /^[0-9a-f]{32}$/, "the reconnect names it");
  console.log("ok 2 reconnected with ?session=", sessions[1].slice(0, 8) + "…");

  // 3. The follow-up edits the chart drawn before the drop, on the surviving replica.
  const other = replicas[1 - served];
  const resumed = await metric(other.port, 'chartd_sessions_total{event="resumed"}');
  await page.fill("#prompt", "make it a line chart");
  await page.click("#send");
  img = await waitChart(page, img.src);
  assert.match(img.alt, /^Line chart/);
  spec = JSON.parse(await page.inputValue("#spec"));
  assert.equal(spec.encoding.x.field, "Origin", "the same chart, now as a line");
  assert.equal(spec.encoding.y.aggregate, "mean");
  assert.ok(await metric(other.port, 'chartd_sessions_total{event="resumed"}') > resumed,
    "the surviving replica read the session from Redis");
  assert.deepEqual(pageErrors, []);
  console.log("ok 3 follow-up after the drop →", img.alt.slice(0, 50));
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (context) await context.close();
  try { cluster("down"); } catch (e) { console.error(e); failed = true; }
  rmSync(profile, { recursive: true, force: true });
  if (!failed) rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log("ok");
