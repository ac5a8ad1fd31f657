/**
 * Reader of the Prometheus text exposition format (version 0.0.4), enough for the gateway's own
 * `/metrics`: `# HELP`/`# TYPE` lines, samples with optional labels and timestamp, escaped label
 * values (`\\`, `\"`, `\n`), and the special values NaN, +Inf, -Inf.
 */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;

/** Parses `name="value",other="x"` (values may hold escaped quotes and commas). */
export function parseLabels(text) {
  const labels = {};
  let i = 0;
  while (i < text.length) {
    while (text[i] === ',' || text[i] === ' ') i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const name = text.slice(i, eq).trim();
    i = eq + 1;
    if (text[i] !== '"') break;
    i++;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : next;
        i += 2;
      } else {
        value += text[i++];
      }
    }
    i++;
    labels[name] = value;
  }
  return labels;
}

function parseValue(v) {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/**
 * Parses an exposition into `{ samples: [{ name, labels, value }], types: { family: type },
 * help: { family: text } }`. Lines that do not parse are skipped (a console must not fail on a
 * metric it does not know).
 */
export function parsePrometheus(text) {
  const samples = [];
  const types = {};
  const help = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
      if (m?.[1] === 'TYPE') types[m[2]] = m[3];
      else if (m?.[1] === 'HELP') help[m[2]] = m[3].replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) continue;
    samples.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value: parseValue(m[4]) });
  }
  return { samples, types, help };
}

/** Sum of the samples named `name` whose labels match every entry of `where` (a value or a predicate). */
export function sumOf(samples, name, where = {}) {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    let ok = true;
    for (const [k, want] of Object.entries(where)) {
      const have = s.labels[k];
      if (typeof want === 'function' ? !want(have) : have !== want) { ok = false; break; }
    }
    if (ok) total += s.value;
  }
  return total;
}
