/**
 * A reading of HL7 v2 ER7 text for display: segments, fields, repetitions, components and
 * sub-components with the delimiters of MSH-1/MSH-2, kept as raw text (escape sequences are
 * shown as they travel). Locations follow the validator's notation: `PID-3[2].4.2`, `OBX[3]-5.5`.
 */

/** Splits a message into segments; accepts CR, LF or CRLF between segments. */
export function parseEr7(text) {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  const msh = lines.find((l) => l.startsWith('MSH'));
  const field = msh?.[3] ?? '|';
  const enc = msh ? msh.slice(4, 8).split(field)[0] : '^~\\&';
  const delimiters = { field, component: enc[0] ?? '^', repetition: enc[1] ?? '~', escape: enc[2] ?? '\\', subcomponent: enc[3] ?? '&' };
  const counts = new Map();
  const segments = lines.map((line) => {
    const id = line.slice(0, 3);
    const occurrence = (counts.get(id) ?? 0) + 1;
    counts.set(id, occurrence);
    const parts = line.split(delimiters.field);
    const fields = [];
    if (id === 'MSH') {
      // MSH-1 is the field separator itself and MSH-2 the encoding characters: neither is split.
      fields.push({ n: 1, raw: delimiters.field, reps: [single(delimiters.field)] });
      fields.push({ n: 2, raw: parts[1] ?? '', reps: [single(parts[1] ?? '')] });
      for (let i = 2; i < parts.length; i++) fields.push(parseField(i + 1, parts[i], delimiters));
    } else {
      for (let i = 1; i < parts.length; i++) fields.push(parseField(i, parts[i], delimiters));
    }
    return { id, occurrence, raw: line, fields };
  });
  return { delimiters, segments };
}

function single(raw) {
  return { raw, comps: [{ raw, subs: [raw] }] };
}

function parseField(n, raw, d) {
  return {
    n, raw,
    reps: raw.split(d.repetition).map((rep) => ({
      raw: rep,
      comps: rep.split(d.component).map((c) => ({ raw: c, subs: c.split(d.subcomponent) })),
    })),
  };
}

const PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?)?$/;

/**
 * Reads a location: a string (`OBX[3]-5.5`) or an object (`{ segment, occurrence, field, ... }`,
 * as ACK error details carry it). Returns null for anything else.
 */
export function parseLocation(loc) {
  if (!loc) return null;
  if (typeof loc === 'object') {
    if (!loc.segment) return null;
    return { segment: loc.segment, occurrence: loc.occurrence ?? 1, field: loc.field, repetition: loc.repetition, component: loc.component, subcomponent: loc.subcomponent };
  }
  const m = PATH.exec(String(loc).trim());
  if (!m) return null;
  const num = (s) => (s === undefined ? undefined : Number(s));
  return { segment: m[1], occurrence: num(m[2]) ?? 1, field: num(m[3]), repetition: num(m[4]), component: num(m[5]), subcomponent: num(m[6]) };
}

/** Writes a location back in the validator's notation. */
export function formatLocation(l) {
  let out = l.segment;
  if (l.occurrence > 1) out += `[${l.occurrence}]`;
  if (l.field === undefined) return out;
  out += `-${l.field}`;
  if (l.repetition > 1) out += `[${l.repetition}]`;
  if (l.component !== undefined) {
    out += `.${l.component}`;
    if (l.subcomponent !== undefined) out += `.${l.subcomponent}`;
  }
  return out;
}

/**
 * Names a position from the field dictionary: `{ segment, field, component, subcomponent }` names
 * and types, each possibly undefined when the dictionary does not know it. `valueType` stands for
 * a field of type VARIES (OBX-5 takes the type OBX-2 declares).
 */
export function describe(dict, l, valueType) {
  const seg = dict?.segments?.[l.segment];
  let field = l.field !== undefined ? seg?.fields?.[String(l.field)] : undefined;
  if (field?.type === 'VARIES' && valueType) field = { ...field, type: valueType };
  const type = field ? dict.types?.[field.type] : undefined;
  const component = l.component !== undefined ? type?.components?.[String(l.component)] : undefined;
  const subType = component ? dict.types?.[component.type] : undefined;
  const subcomponent = l.subcomponent !== undefined ? subType?.components?.[String(l.subcomponent)] : undefined;
  return { segment: seg, field, fieldType: type, component, componentType: subType, subcomponent };
}

/**
 * The message as a JSON-ready tree, in the same shape as the validator's (`segments[].fields` keyed
 * by field number; a repetition is a string, or an object keyed by component number when it has
 * components; sub-components become arrays).
 */
export function toTree(parsed) {
  return {
    segments: parsed.segments.map((s) => {
      const fields = {};
      for (const f of s.fields) {
        if (f.raw === '') continue;
        if (s.id === 'MSH' && f.n <= 2) { fields[f.n] = [f.raw]; continue; }
        fields[f.n] = f.reps.map((r) => {
          if (r.comps.length <= 1 && r.comps[0].subs.length <= 1) return r.raw;
          const comps = {};
          r.comps.forEach((c, i) => {
            if (c.raw === '') return;
            comps[i + 1] = c.subs.length > 1 ? c.subs : c.raw;
          });
          return comps;
        });
      }
      return { segment: s.id, occurrence: s.occurrence, fields };
    }),
  };
}

/** Latin-9 (ISO 8859-15) differs from Latin-1 at eight positions. */
const LATIN9 = new Map([['€', 0xa4], ['Š', 0xa6], ['š', 0xa8], ['Ž', 0xb4], ['ž', 0xb8], ['Œ', 0xbc], ['œ', 0xbd], ['Ÿ', 0xbe]]);
const LATIN9_FREED = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);

/**
 * The bytes of a message for a file: segments separated by CR, encoded as its MSH-18 says
 * (`8859/15` Latin-9, `8859/1` Latin-1, UTF-8 otherwise), so that the file validates as the
 * original did. A character the charset cannot hold becomes `?`.
 */
export function encodeMessage(text) {
  const body = text.replace(/\r\n|\n/g, '\r');
  const msh = body.split('\r')[0] ?? '';
  const charset = msh.startsWith('MSH') ? (msh.split(msh[3] ?? '|')[17] ?? '') : '';
  if (charset !== '8859/15' && charset !== '8859/1') return new TextEncoder().encode(body);
  const latin9 = charset === '8859/15';
  const out = new Uint8Array(body.length);
  let i = 0;
  for (const ch of body) {
    const code = ch.codePointAt(0);
    if (latin9 && LATIN9.has(ch)) out[i++] = LATIN9.get(ch);
    else if (code <= 0xff && !(latin9 && LATIN9_FREED.has(code))) out[i++] = code;
    else out[i++] = 0x3f;
  }
  return out.subarray(0, i);
}
