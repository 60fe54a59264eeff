// The Vega oracle: compiles a Vega-Lite spec with vega-lite, runs a headless Vega View and
// reads the dataset its main mark is drawn from, keeping only the fields the mark encodes.
import * as vl from 'vega-lite';
import * as vega from 'vega';

// Mark properties whose data field is what the chart shows (not signals, tooltips or ARIA text).
const PROPS = ['x', 'x2', 'xc', 'y', 'y2', 'yc', 'fill', 'stroke', 'size', 'shape', 'opacity',
  'fillOpacity', 'strokeOpacity', 'text', 'theta', 'theta2', 'startAngle', 'endAngle',
  'radius', 'radius2', 'outerRadius', 'innerRadius', 'strokeDash', 'angle'];

function fieldsOf(v) {
  if (!v) return [];
  if (Array.isArray(v)) return fieldsOf(v[v.length - 1]); // production rule: the default branch
  if (typeof v.field === 'string') return [v.field];
  // A binned position is a signal over the bin's fields.
  if (typeof v.signal === 'string') return [...v.signal.matchAll(/datum\["([^"]+)"\]/g)].map((m) => m[1]);
  return [];
}

// The marks that draw the data, depth first. A group that facets its data (small multiples, a
// line per series) is entered with its source data, and its groupby fields count as encoded.
function dataMarks(marks, facet, out = []) {
  for (const m of marks || []) {
    if (m.type === 'group') {
      const f = m.from && m.from.facet;
      const inner = f ? { name: f.name, data: facet && f.data === facet.name ? facet.data : f.data,
        groupby: [...(facet ? facet.groupby : []), ...[].concat(f.groupby || [])] } : facet;
      dataMarks(m.marks, inner, out);
    } else if (m.from && m.from.data) {
      const viaFacet = facet && m.from.data === facet.name;
      out.push({ mark: m, data: viaFacet ? facet.data : m.from.data, groupby: viaFacet ? facet.groupby : [] });
    }
  }
  return out;
}

// The main mark: a boxplot's box, else the first mark that draws data.
function mainMark(vg) {
  const all = dataMarks(vg.marks);
  const box = all.find((m) => (m.mark.style || []).includes('boxplot-box'));
  return box || all[0];
}

// The encoded fields of a mark, a stack's _start/_end pair read as its base field.
function encodedFields(mark, row, groupby) {
  const upd = (mark.encode && (mark.encode.update || mark.encode.enter)) || {};
  const fields = [...groupby];
  for (const p of PROPS) {
    for (const f of fieldsOf(upd[p])) if (!fields.includes(f)) fields.push(f);
  }
  const out = [];
  for (const f of fields) {
    const m = /^(.*)_(start|end)$/.exec(f);
    if (m && row && m[1] in row && !(f.startsWith('bin_'))) {
      if (!out.includes(m[1])) out.push(m[1]);
    } else if (f.startsWith('bin_') && f.endsWith('_end')) {
      continue; // a bin is compared by its start
    } else if (!out.includes(f)) out.push(f);
  }
  return out;
}

// vegaDataset(vlSpec, baseURL) → { fields, rows (objects), mark, vgSpec, view }.
export async function vegaDataset(spec, baseURL) {
  const vgSpec = vl.compile(spec).spec;
  const loader = vega.loader({ baseURL, mode: 'file' });
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', loader });
  await view.runAsync();
  const main = mainMark(vgSpec);
  if (!main) return { fields: [], rows: [], vgSpec, view };
  const rows = view.data(main.data) || [];
  const fields = encodedFields(main.mark, rows[0], main.groupby || []);
  return { fields, rows, mark: main.mark, vgSpec, view };
}

// Items the main mark drew in the scenegraph (for the coarse picture comparison).
export function markItems(view, markName) {
  const out = [];
  (function walk(node) {
    if (!node) return;
    if (node.marktype && node.name === markName) out.push(...node.items);
    for (const it of node.items || []) if (it.items) walk(it);
  })(view.scenegraph().root);
  return out;
}
