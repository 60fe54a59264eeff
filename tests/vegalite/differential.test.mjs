// Differential test of chartd's Vega-Lite support against Vega itself. Every spec of
// tests/vegalite/corpus/ is rendered by chartd (render_corpus.lua, uncapped data_summary) and
// by vega-lite + a headless Vega View; the dataset of Vega's main mark, reduced to the fields
// the mark encodes, is compared with chartd's data_summary: the same number of rows, and the
// same values row by row (as unordered bags of values: numbers to 6 significant digits, dates
// as instants in ms). Prints both figures — rendered as-is, and agreeing among those — and
// fails below the goal (90 % each). Data comes from npm's vega-datasets through
// CHARTD_DATA_DIR, the same folder Vega's loader reads.
//   node tests/vegalite/differential.test.mjs [NAME_SUBSTRING]     (CHARTD_LIB: the chartd.so folder)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vegaDataset } from './oracle.mjs';

process.env.TZ = 'UTC'; // Vega's local-time units then mean what chartd's UTC ones mean
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = join(ROOT, 'tests/vegalite/corpus');
const DATA_DIR = join(ROOT, 'node_modules/vega-datasets');
const LIB = process.env.CHARTD_LIB || join(ROOT, 'build/lib');
const GOAL = 0.9;
// chartd summary columns that are derived, not data (a pie's percent; a box's whiskers and
// median, which Vega draws from other marks), and bin ends (both sides compare bin starts).
const DERIVED = new Set(['percent', 'min', 'median', 'max', 'bin_end']);

const only = process.argv[2];
const names = readdirSync(CORPUS).filter((f) => f.endsWith('.json') && (!only || f.includes(only))).sort();

function chartdResults(files) {
  const out = execFileSync('lua5.4', ['-e',
    `package.path="lua/?.lua;lua/?/init.lua;"..package.path package.cpath="${LIB}/?.so;"..package.cpath`,
    'tests/vegalite/render_corpus.lua', ...files], {
    cwd: ROOT, env: { ...process.env, CHARTD_DATA_DIR: DATA_DIR }, maxBuffer: 1 << 30, encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// A value as a comparable token: numbers (dates as ms, numeric text as its number) or text.
function norm(v) {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return 'null';
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return String(v);
}

// A row as its sorted tokens; rows sorted so both sides line up.
const key = (t) => (typeof t === 'number' ? Number(t.toPrecision(10)) : t);
function rowTokens(values) {
  return values.map(norm).sort((a, b) => String(key(a)).localeCompare(String(key(b))));
}
function sortRows(rows) {
  return rows.sort((a, b) => a.map(key).join('|').localeCompare(b.map(key).join('|')));
}
const close = (a, b) => (typeof a === 'number' && typeof b === 'number'
  ? Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)) : a === b);

// → null when equal (numbers within a relative 1e-6), else the first difference.
function compare(vega, chartd) {
  if (vega.length !== chartd.length) return `rows: Vega ${vega.length}, chartd ${chartd.length}`;
  const a = sortRows(vega), b = sortRows(chartd);
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length || a[i].some((t, k) => !close(t, b[i][k]))) {
      return `Vega row [${a[i].join(' | ')}], chartd [${b[i].join(' | ')}]`;
    }
  }
  return null;
}

// A discrete axis: Vega's band order (its scale's domain) against the order chartd drew
// the keys in (first appearance in data_summary's column of that field).
function compareOrder(spec, view, s, temporal) {
  const enc = spec.encoding || {};
  const mark = typeof spec.mark === 'string' ? spec.mark : spec.mark && spec.mark.type;
  // A heatmap's table runs along x, then up y: its first appearances follow x's order only.
  for (const ch of mark === 'rect' ? ['x'] : ['x', 'y']) {
    const def = enc[ch];
    if (!def || def.sort === null || !def.field) continue;
    let domain;
    try { domain = view.scale(ch).domain(); } catch { continue; }
    if (typeof view.scale(ch).bandwidth !== 'function') continue;
    const k = s.columns.indexOf(def.field);
    if (k < 0 || s.columns.lastIndexOf(def.field) !== k) continue; // absent, or on both axes
    const seen = [];
    for (const row of s.rows) {
      const x = temporal.has(def.field) && typeof row[k] === 'number' ? row[k] * 1000 : row[k];
      const val = String(norm(x));
      if (!seen.includes(val)) seen.push(val);
    }
    const want = domain.map((d) => String(norm(d))).filter((d) => seen.includes(d));
    if (want.join('|') !== seen.join('|')) return `order of ${ch}: Vega [${want.join(', ')}], chartd [${seen.join(', ')}]`;
  }
  return null;
}

const specs = new Map(names.map((n) => [n.replace(/\.json$/, ''), JSON.parse(readFileSync(join(CORPUS, n), 'utf8'))]));
const results = chartdResults(names.map((n) => join('tests/vegalite/corpus', n)));
const report = [];
let rendered = 0, agreed = 0;
for (const r of results) {
  const spec = specs.get(r.name);
  const entry = { name: r.name, rendered: r.ok, warnings: r.warnings || [] };
  if (!r.ok) {
    entry.error = `${r.code}: ${r.message}`;
  } else {
    rendered++;
    try {
      const v = await vegaDataset(spec, DATA_DIR + '/');
      const vrows = v.rows.map((row) => rowTokens(v.fields.map((f) => row[f])));
      const temporal = new Set(r.temporal || []);
      const s = r.summary;
      const keep = s.columns.map((c) => !DERIVED.has(c));
      const kept = s.columns.filter((_, k) => keep[k]);
      // A histogram's empty bins are in its table but draw nothing; Vega has no row for them.
      const drawn = s.columns.includes('bin_start') ? s.rows.filter((row) => row[row.length - 1] !== 0) : s.rows;
      const crows = drawn.map((row) => rowTokens(row.filter((_, k) => keep[k]).map((x, k) =>
        temporal.has(kept[k]) && typeof x === 'number' ? x * 1000 : x)));
      const diff = compare(vrows, crows) || compareOrder(spec, v.view, s, temporal);
      entry.vega_fields = v.fields;
      entry.chartd_columns = s.columns;
      if (diff) entry.differs = diff; else { entry.agrees = true; agreed++; }
    } catch (e) {
      entry.differs = `Vega failed: ${e.message}`;
    }
  }
  report.push(entry);
}

for (const e of report) {
  const status = !e.rendered ? 'ERROR ' : e.agrees ? 'agree ' : 'DIFFER';
  const why = e.error || e.differs || '';
  console.log(`${status} ${e.name}${why ? '  ' + why.slice(0, 300) : ''}${e.differs ? `  [vega ${e.vega_fields}; chartd ${e.chartd_columns}]` : ''}`);
}
const total = report.length;
const pct = (a, b) => (b ? (100 * a / b).toFixed(1) : '0.0');
console.log(`\ncorpus ${total} specs: rendered as-is ${rendered}/${total} (${pct(rendered, total)} %), ` +
  `agree with Vega ${agreed}/${rendered} (${pct(agreed, rendered)} %)`);
if (process.env.REPORT) writeFileSync(process.env.REPORT, JSON.stringify({ total, rendered, agreed, specs: report }, null, 1));
const ok = total > 0 && rendered / total >= GOAL && agreed / Math.max(1, rendered) >= GOAL;
if (!only && !ok) { console.log('below the goal of 90 % each'); process.exit(1); }
