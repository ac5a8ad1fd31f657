import { svg } from './dom.js';

/**
 * A small line chart drawn as inline SVG: one polyline per series over shared x positions, a
 * y axis with three gridlines, and the series' latest values as the legend. `series`:
 * `[{ label, values: number[], className }]` (colours come from the class, so the stylesheet keeps
 * the palette and its contrast in one place). `xLabels`: first and last tick text.
 */
export function lineChart({ series, width = 640, height = 180, title, xLabels = [], unit = '' }) {
  const pad = { top: 12, right: 12, bottom: 22, left: 40 };
  const w = width - pad.left - pad.right;
  const hgt = height - pad.top - pad.bottom;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const top = niceCeiling(max);
  const x = (i) => pad.left + (w * i) / (n - 1);
  const y = (v) => pad.top + hgt - (hgt * v) / top;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-label': title ?? series.map((s) => s.label).join(', '),
  });
  if (title) root.append(svg('title', {}, title));
  for (const frac of [0, 0.5, 1]) {
    const v = top * frac;
    root.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'chart-grid' }));
    root.append(svg('text', { x: pad.left - 6, y: y(v) + 4, class: 'chart-axis', 'text-anchor': 'end' }, formatTick(v) + unit));
  }
  if (xLabels[0]) root.append(svg('text', { x: pad.left, y: height - 6, class: 'chart-axis' }, xLabels[0]));
  if (xLabels[1]) root.append(svg('text', { x: width - pad.right, y: height - 6, class: 'chart-axis', 'text-anchor': 'end' }, xLabels[1]));
  for (const s of series) {
    const offset = n - s.values.length;
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}` : null)).filter(Boolean);
    if (pts.length === 1) pts.unshift(`${pad.left},${pts[0].split(',')[1]}`);
    if (pts.length) root.append(svg('polyline', { points: pts.join(' '), class: `chart-line ${s.className ?? ''}`, fill: 'none' }));
    // Points are marked while they are few enough to tell apart.
    if (pts.length <= 30) {
      for (const p of pts) {
        const [cx, cy] = p.split(',');
        root.append(svg('circle', { cx, cy, r: '2.5', class: `chart-point ${s.className ?? ''}` }));
      }
    }
  }
  return root;
}

function niceCeiling(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function formatTick(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
