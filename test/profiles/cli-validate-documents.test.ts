import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerValidateCommand } from '../../src/cli/commands/validate.js';
import { parseMessage } from '../../src/hl7/index.js';
import { buildDocumentAck } from '../../src/documents/transport/index.js';
import { repoRoot } from './fixtures.js';
import { sharedDir } from '../helpers/paths.js';

async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number | undefined }> {
  let stdout = '';
  let stderr = '';
  let code: number | undefined;
  const program = new Command('cisis-tlr').exitOverride();
  registerValidateCommand(program, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    setExitCode: (c) => {
      code = c;
    },
  });
  await program.parseAsync(['node', 'cisis-tlr', 'validate', ...args]);
  return { stdout, stderr, code };
}

const mdm = join(repoRoot, 'test', 'documents', 'transport', 'fixtures', 'ans_MDM_T02_CR_Radio_INIT_N1.er7');
const oruWithCda = join(
  sharedDir,
  'data',
  'examples',
  'other',
  'ans-hl7v2-exemples',
  'transdoc_v2.1_vague2_ORU_R01_CR_bio_INIT_N3_SEGUR_base64.hl7',
);
const dir = mkdtempSync(join(tmpdir(), 'cisis-tlr-validate-doc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('cisis-tlr validate on document messages', { timeout: 120_000 }, () => {
  it('validates an ORU^R01 carrying a CDA: transport rules, then the CDA, located at OBX[n]-5 → /ClinicalDocument/…', async () => {
    const r = await run(['--json', oruWithCda]);
    const [result] = JSON.parse(r.stdout) as Array<{
      profile: string;
      issues: Array<{ rule: string; location: string; severity: string }>;
    }>;
    assert.equal(result?.profile, 'oru-document');
    const cda = result?.issues.filter((issue) => issue.rule.startsWith('CDA:')) ?? [];
    assert.ok(cda.length > 0);
    assert.ok(
      cda.every((issue) => /^OBX\[1\]-5 → \/ClinicalDocument/.test(issue.location)),
      JSON.stringify(cda),
    );
    assert.ok(
      result?.issues.some((issue) => issue.rule === 'TDOC-DOC-013'),
      'the transport rules ran too',
    );
  });

  it('validates an MDM^T02 as a document message, not as an unknown flow', async () => {
    const r = await run([mdm]);
    assert.match(r.stdout, /: mdm-t02 — INVALID/);
    assert.doesNotMatch(r.stdout, /TLR-GEN-002/);
    // Its document is a placeholder text: reported once by the transport rules, not again as a CDA.
    assert.match(r.stdout, /TDOC-DOC-007/);
    assert.doesNotMatch(r.stdout, /CDA:xsd/);
  });

  it('accepts ACK^T02^ACK, the acknowledgement of the volet’s own MDM, and still checks it as an acknowledgement', async () => {
    const ack = buildDocumentAck(parseMessage(readFileSync(mdm)), { code: 'AA', errors: [] }).toString();
    const good = join(dir, 'ack-t02.er7');
    writeFileSync(good, ack);
    const ok = await run([good]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /document-ack — valid/);
    const bad = join(dir, 'ack-t02-no-msa.er7');
    writeFileSync(
      bad,
      ack
        .split('\r')
        .filter((segment) => !segment.startsWith('MSA'))
        .join('\r'),
    );
    const refused = await run([bad]);
    assert.equal(refused.code, 1, refused.stdout);
  });
});
