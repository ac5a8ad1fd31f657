/**
 * Validation throughput per flow on the guide's examples (standalone script, not a test).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/validate.bench.js [seconds-per-flow]
 *
 * Each example is validated from its bytes (parse + all rules, as a receiver does) in a loop for a
 * fixed time after a warm-up; the figure is messages per second on one core.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../src/hl7/index.js';
import { validateMessage } from '../src/profiles/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = resolve(root, '..', 'shared', 'data', 'examples', 'teleradiologie');
const seconds = Number(process.argv[2] ?? '2');

const header = parseMessage(
  'MSH|^~\\&|StructureApp|StructureFacility|TLRapp|TLRfacility|20260106134418||ORM^O01^ORM_O01|12345|P|2.5.1|||||FRA|' +
    'UNICODE UTF-8|||1.0^CISIS_TLR_HL7_V2\r',
);
const CASES = [
  { flow: 'flux1', file: 'flux1_ORM_O01_transmission_demande.hl7' },
  { flow: 'flux2', file: 'flux2_ORM_O01_annulation_demande.hl7' },
  { flow: 'flux3', file: 'flux3_ORU_R01_reponse_demande.hl7' },
  { flow: 'flux4', file: 'flux4_OMI_O23_complement_post_examen.hl7' },
  { flow: 'ack (correlated)', file: 'ack_AE_version_non_supportee.hl7' },
];

function measure(bytes: Buffer, withHeader: boolean): { perSecond: number; microseconds: number } {
  const options = withHeader ? { acknowledged: header } : {};
  for (let i = 0; i < 500; i++) validateMessage(bytes, options);
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 100; i++) validateMessage(bytes, options);
    n += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  const s = Number(elapsed) / 1e9;
  return { perSecond: n / s, microseconds: (s / n) * 1e6 };
}

process.stdout.write(`Validation throughput, Node ${process.version}, ${seconds} s per flow\n`);
process.stdout.write('| Flow | Message bytes | Messages/s | µs/message |\n|---|---:|---:|---:|\n');
for (const c of CASES) {
  const bytes = readFileSync(join(examples, c.file));
  const r = measure(bytes, c.flow.startsWith('ack'));
  process.stdout.write(
    `| ${c.flow} | ${bytes.length} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.microseconds.toFixed(1)} |\n`,
  );
}
