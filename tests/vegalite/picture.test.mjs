// The coarse picture check of the Vega-Lite corpus: for a subset of specs, chartd's chart and
// Vega's (vega-lite → Vega View → SVG) are both rasterized with resvg and compared on what a
// reader counts — the number of separate bars (connected blobs of mark colour, for one-colour
// bar charts) or the number of mark colours (series of lines, stacks, slices). Colours and
// layout differ by design (chartd's themes); the counts must not.
//   node tests/vegalite/picture.test.mjs        (CHARTD_LIB: the chartd.so folder)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { vegaDataset } from './oracle.mjs';

process.env.TZ = 'UTC';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA_DIR = join(ROOT, 'node_modules/vega-datasets');
const LIB = process.env.CHARTD_LIB || join(ROOT, 'build/lib');

// name → what is counted. Left out: stacks whose touching segments Vega antialiases into
// extra hues (bar_stacked_barley).
const SUBSET = {
  bar_simple: 'blobs', bar_negative: 'blobs', bar_count_origin: 'blobs', bar_aggregate_sum: 'blobs',
  aggregate_op_mean: 'blobs', timeunit_month: 'blobs', timeunit_day: 'blobs', timeunit_quarter: 'blobs',
  filter_oneof: 'blobs', sort_explicit_array: 'blobs', bar_wheat: 'blobs', calculate_ternary: 'colours',
  bar_grouped_xoffset: 'colours', facet_column_bar: 'blobs', window_rank_group: 'blobs',
  bar_stacked_weather: 'colours',
  line_multi_series: 'colours', line_year_mean: 'colours', area_stacked_iowa: 'colours',
  stack_area_iowa: 'colours', pie_simple: 'colours', donut_weather_types: 'colours', pie_count: 'colours',
  scatter_anscombe: 'colours', fold_as: 'colours',
};

function pixels(svg) {
  const img = new Resvg(svg, { background: 'white', font: { loadSystemFonts: false } }).render();
  return { w: img.width, h: img.height, data: img.pixels };
}

// Saturated pixels: the marks (axes, text and grid are grey).
function saturated(data, i) {
  const r = data[i], g = data[i + 1], b = data[i + 2];
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  return max - min > 40;
}

// Mark colours: hue clusters of strongly coloured pixels. Hue survives antialiasing (a blend
// with the white background keeps it), so a thin line counts once. Hues in 6° bins; adjacent
// occupied bins (around the circle) form one cluster; a cluster needs 0.02 % of the image.
function colours({ w, h, data }) {
  const BINS = 60;
  const mass = new Array(BINS).fill(0);
  for (let i = 0; i < w * h * 4; i += 4) {
    const r = data[i] / 255, g = data[i + 1] / 255, b = data[i + 2] / 255;
    const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min;
    if (d < 0.25 || max < 0.25) continue;
    let hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
    hue = (hue * 60 + 360) % 360;
    mass[Math.floor(hue / (360 / BINS)) % BINS]++;
  }
  const min = w * h * 0.0002;
  const on = mass.map((m) => m >= min);
  if (on.every(Boolean)) return 1;
  let start = on.findIndex((x) => !x);
  let clusters = 0;
  for (let k = 1; k <= BINS; k++) {
    const i = (start + k) % BINS, prev = (start + k - 1) % BINS;
    if (on[i] && !on[prev]) clusters++;
  }
  return clusters;
}

// Connected blobs of saturated pixels larger than 20 pixels (bars; no legend in these specs).
function blobs({ w, h, data }) {
  const seen = new Uint8Array(w * h);
  let n = 0;
  for (let p = 0; p < w * h; p++) {
    if (seen[p] || !saturated(data, p * 4)) continue;
    let size = 0;
    const stack = [p];
    seen[p] = 1;
    while (stack.length) {
      const q = stack.pop();
      size++;
      const x = q % w, y = (q - x) / w;
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const r = ny * w + nx;
        if (!seen[r] && saturated(data, r * 4)) { seen[r] = 1; stack.push(r); }
      }
    }
    if (size > 20) n++;
  }
  return n;
}

const names = Object.keys(SUBSET).filter((n) => {
  try { readFileSync(join(ROOT, 'tests/vegalite/corpus', n + '.json')); return true; } catch { return false; }
});
const dir = mkdtempSync(join(tmpdir(), 'chartd-vl-svg-'));
try {
  execFileSync('lua5.4', ['-e',
    `package.path="lua/?.lua;lua/?/init.lua;"..package.path package.cpath="${LIB}/?.so;"..package.cpath`,
    'tests/vegalite/render_corpus.lua', ...names.map((n) => `tests/vegalite/corpus/${n}.json`)], {
    cwd: ROOT, env: { ...process.env, CHARTD_DATA_DIR: DATA_DIR, SVG_DIR: dir }, maxBuffer: 1 << 30 });
  let ok = 0;
  const failed = [];
  for (const name of names) {
    const spec = JSON.parse(readFileSync(join(ROOT, 'tests/vegalite/corpus', name + '.json'), 'utf8'));
    const kind = SUBSET[name];
    const { view } = await vegaDataset(spec, DATA_DIR + '/');
    const count = kind === 'blobs' ? blobs : colours;
    const vega = count(pixels(await view.toSVG()));
    let chartd;
    try { chartd = count(pixels(readFileSync(join(dir, name + '.svg'), 'utf8'))); } catch { chartd = 'no chart'; }
    const same = vega === chartd;
    console.log(`${same ? 'same ' : 'DIFF '} ${name}: ${kind} Vega ${vega}, chartd ${chartd}`);
    if (same) ok++; else failed.push(name);
  }
  console.log(`\npictures: ${ok}/${names.length} with the same number of marks as Vega`);
  if (names.length < 20) { console.log('the subset lost specs'); process.exit(1); }
  if (failed.length > 0) process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
