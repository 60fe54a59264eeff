// What the browser tests share: the real `chartd serve --dev` on a free port (on a copy of the
// scripts, with no .env and no LLM settings from the caller), Chromium from Debian driven by
// playwright-core, and waits for what the page shows.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = resolve(process.env.CHARTD_BIN || join(ROOT, "build", "chartd"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

export async function startServer(extraEnv = {}) {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "chartd-browser-cwd-")); // no .env from the tree
  const home = join(cwd, "home");
  for (const dir of ["lua", "themes", "prompts", "web", "examples"]) {
    cpSync(join(ROOT, dir), join(home, dir), { recursive: true, verbatimSymlinks: true });
  }
  const logPath = join(cwd, "chartd.log");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !/^(OPENAI|LLM_|CHART|MAX_|PORT$)/.test(k)));
  Object.assign(env, { WEBSOCKET_PORT: String(port), CHARTD_WORKERS: "2", CHARTD_HOME: home,
    LLM_PROVIDER: "offline" }, extraEnv);
  const log = openSync(logPath, "w");
  const proc = spawn(BIN, ["serve", "--dev"], { cwd, env, stdio: ["ignore", log, log] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`chartd exited ${proc.exitCode}:\n${readFileSync(logPath, "utf8")}`);
    try { if ((await fetch(`${base}/readyz`)).status === 200) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error("chartd did not become ready in 30 s");
    await sleep(100);
  }
  return { proc, base, cwd, home, logPath };
}

export async function stopServer(s) {
  s.proc.kill("SIGTERM");
  await new Promise((r) => (s.proc.exitCode !== null ? r() : s.proc.on("exit", r)));
  rmSync(s.cwd, { recursive: true, force: true });
}

export function logTail(s) {
  return readFileSync(s.logPath, "utf8").split("\n").slice(-20).join("\n");
}

// A persistent Chromium context (its own temp profile) at the given viewport; options: more
// context options (deviceScaleFactor for a phone's screen).
export async function launch(viewport, options = {}) {
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    console.error("playwright-core is missing: run ./scripts/setup.sh (it runs npm ci in the repository root)");
    process.exit(1);
  }
  const profile = mkdtempSync(join(tmpdir(), "chartd-browser-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport, ...options,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

// Waits until the chart image shows `src` different from `previous` and fully decoded.
export async function waitChart(page, previous) {
  await page.waitForFunction((prev) => {
    const img = document.getElementById("chart");
    return img.src && img.src !== prev && img.complete && img.naturalWidth > 0
      && !document.getElementById("figure").hidden;
  }, previous, { timeout: 20000 });
  return page.$eval("#chart", (img) => ({ src: img.src, w: img.naturalWidth, h: img.naturalHeight, alt: img.alt }));
}

export async function errorShown(page) {
  await page.waitForSelector("#error:not([hidden])", { timeout: 20000 });
  return { code: await page.textContent("#error-code"), message: await page.textContent("#error-message") };
}

// The RGBA of pixel (x, y) of the chart image, in the image's own pixels.
export function chartPixel(page, x, y) {
  return page.evaluate(([px, py]) => {
    const im = document.getElementById("chart");
    const c = document.createElement("canvas");
    c.width = im.naturalWidth; c.height = im.naturalHeight;
    const g = c.getContext("2d");
    g.drawImage(im, 0, 0);
    return Array.from(g.getImageData(px, py, 1, 1).data);
  }, [x, y]);
}
