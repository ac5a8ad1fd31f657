import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeExamples } from '../../scripts/generate-examples.js';
import { repoRoot } from '../helpers/paths.js';

const shipped = path.join(repoRoot, 'examples', 'messages');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin', 'cisis-tlr.js'), ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('examples/messages', { timeout: 10 * 60 * 1000 }, () => {
  let regenerated: string;
  before(async () => {
    regenerated = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-examples-'));
    await writeExamples(regenerated);
  });
  after(async () => {
    await rm(regenerated, { recursive: true, force: true });
  });

  it('regenerating the examples gives the shipped files byte for byte (README included)', async () => {
    const files = await filesUnder(shipped);
    assert.deepEqual(await filesUnder(regenerated), files, 'the same file names');
    for (const f of files) {
      const [a, b] = await Promise.all([readFile(path.join(shipped, f)), readFile(path.join(regenerated, f))]);
      assert.ok(a.equals(b), `${f} differs from what npm run generate:examples writes`);
    }
  });

  it('covers every flow, both decisions and protocol forms, both charsets, the reports, the onward MDM and a ZAM', async () => {
    const files = await filesUnder(shipped);
    const msh = async (f: string) => (await readFile(path.join(shipped, f))).toString('latin1').split('\r')[0]!.split('|');
    const kinds = new Set<string>();
    for (const f of files.filter((x) => x.endsWith('.hl7'))) {
      const h = await msh(f);
      const orc1 = (await readFile(path.join(shipped, f)))
        .toString('latin1')
        .split('\r')
        .find((s) => s.startsWith('ORC|'))
        ?.split('|')[1];
      kinds.add(`${h[8]}${orc1 ? ` ${orc1}` : ''} ${h[17]}`);
    }
    for (const charset of ['UNICODE UTF-8', '8859/15'])
      for (const k of ['ORM^O01^ORM_O01 NW', 'ORM^O01^ORM_O01 CA', 'ORU^R01^ORU_R01 OK', 'ORU^R01^ORU_R01 OC', 'OMI^O23^OMI_O23 SR'])
        assert.ok(kinds.has(`${k} ${charset}`), `${k} in ${charset}`);
    for (const k of ['MDM^T02^MDM_T02', 'MDM^T10^MDM_T02', 'MDM^T04^MDM_T02', 'ZAM^Z01^ZAM_Z01', 'ACK^T02^ACK', 'ACK^Z01^ACK'])
      assert.ok(
        [...kinds].some((x) => x.startsWith(`${k} `)),
        k,
      );
    const pdf = await readFile(path.join(shipped, 'utf-8', '05-flow3-accepted-OK-pdf-protocol.hl7'), 'latin1');
    assert.match(pdf, /\|ED\|[^|]*\|\|[^|]*\^Base64\^JVBERi0/, 'the PDF protocol is an ED with a base64 PDF');
    const latin9 = await readFile(path.join(shipped, 'iso-8859-15', '01-flow1-order-NW.hl7'));
    assert.ok(!latin9.includes(Buffer.from([0xc3])) && latin9.some((b) => b >= 0xa0), 'Latin-9 bytes, not UTF-8');
    const level3 = await readFile(path.join(shipped, 'reports', '04-mdm-t02-level3.hl7'), 'latin1');
    const b64 = /\^Base64\^([A-Za-z0-9+/=]+)/.exec(level3)?.[1] ?? '';
    assert.match(Buffer.from(b64, 'base64').toString('utf8'), /<structuredBody>/, 'the level-3 report has a structured body');
    const onward = await msh(path.join('reports', '05-onward-mdm-t02-to-pfi.hl7'));
    assert.equal(onward[11], '2.6', 'the onward message is volet 2.1 (HL7 v2.6)');
  });

  it('every example validates with no error (cisis-tlr validate --json)', async () => {
    const files = (await filesUnder(shipped)).filter((f) => f.endsWith('.hl7')).map((f) => path.join(shipped, f));
    const run = await runCli(['validate', '--json', ...files]);
    assert.equal(run.code, 0, run.stderr);
    const results = JSON.parse(run.stdout) as { file: string; profile: string | null; valid: boolean; issues: { severity: string }[] }[];
    assert.equal(results.length, files.length);
    for (const r of results) {
      assert.ok(r.valid, `${r.file}: ${JSON.stringify(r.issues)}`);
      assert.deepEqual(
        r.issues.filter((i) => i.severity === 'error'),
        [],
        r.file,
      );
      assert.notEqual(r.profile, null, `${r.file} is validated with its flow's rules`);
    }
    const byFile = new Map(results.map((r) => [path.relative(shipped, r.file), r.profile]));
    assert.equal(byFile.get(path.join('reports', '06-zam-z01-dmp-receipt.hl7')), 'zam-z01');
    assert.equal(byFile.get(path.join('reports', '06-zam-z01-dmp-receipt.ack.hl7')), 'document-ack');
    assert.equal(byFile.get(path.join('utf-8', '02-flow3-accepted-OK-text-protocol.hl7')), 'flux3');
  });
});
