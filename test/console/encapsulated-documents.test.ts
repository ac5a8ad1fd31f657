import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { consoleAssetsDir } from '../../src/gateway/console/index.js';
import { repoRoot } from '../helpers/paths.js';

/** The message viewer's decoding of OBX-5 `ED` values, run in Node as shipped (the module touches no page). */
interface Decoded {
  location: string;
  kind?: 'xml' | 'pdf' | 'binary';
  mediaType?: string;
  bytes?: Uint8Array;
  text?: string;
  error?: string;
}
const load = async () => {
  const base = pathToFileURL(join(consoleAssetsDir(), 'js')).href;
  const hl7 = (await import(`${base}/hl7.js`)) as { parseEr7(text: string): unknown };
  const enc = (await import(`${base}/encapsulated.js`)) as { encapsulatedDocuments(parsed: unknown): Decoded[] };
  return { hl7, enc };
};
const example = (p: string) => readFileSync(join(repoRoot, 'examples', 'messages', p), 'utf8');

describe('console: encapsulated documents of a message (OBX-5 ED)', () => {
  it('decodes the CDA of an MDM^T02 to XML text and the PDF protocol of flow 3 to PDF bytes', async () => {
    const { hl7, enc } = await load();
    const mdm = enc.encapsulatedDocuments(hl7.parseEr7(example('reports/04-mdm-t02-level3.hl7')));
    assert.equal(mdm.length, 1);
    assert.equal(mdm[0]!.kind, 'xml');
    assert.equal(mdm[0]!.location, 'OBX[1]-5');
    assert.match(mdm[0]!.text!, /^<\?xml[\s\S]*<ClinicalDocument[\s\S]*<structuredBody>/);
    assert.match(mdm[0]!.text!, /é/, 'decoded as UTF-8');
    const oru = enc.encapsulatedDocuments(hl7.parseEr7(example('utf-8/05-flow3-accepted-OK-pdf-protocol.hl7')));
    assert.equal(oru.length, 1);
    assert.equal(oru[0]!.kind, 'pdf');
    assert.equal(oru[0]!.mediaType, 'application/pdf');
    assert.equal(Buffer.from(oru[0]!.bytes!.subarray(0, 5)).toString('latin1'), '%PDF-');
  });

  it('offers the PDF of a level-1 report (the CDA nonXMLBody) beside the CDA itself', async () => {
    const { hl7, enc } = await load();
    const docs = enc.encapsulatedDocuments(hl7.parseEr7(example('reports/01-mdm-t02-level1.hl7')));
    assert.deepEqual(
      docs.map((d) => [d.location, d.kind]),
      [
        ['OBX[1]-5', 'xml'],
        ['OBX[1]-5 → nonXMLBody', 'pdf'],
      ],
    );
    assert.equal(Buffer.from(docs[1]!.bytes!.subarray(0, 5)).toString('latin1'), '%PDF-');
  });

  it('finds nothing in a message without ED, and reports data that is not base64 instead of failing', async () => {
    const { hl7, enc } = await load();
    assert.deepEqual(enc.encapsulatedDocuments(hl7.parseEr7(example('utf-8/02-flow3-accepted-OK-text-protocol.hl7'))), []);
    const bad = 'MSH|^~\\&|A|B|C|D|20260101||MDM^T02^MDM_T02|1|T|2.6\rOBX|1|ED|18748-4^CR^LN||^text^XML^Base64^%%%not*base64||||||F\r';
    const [d] = enc.encapsulatedDocuments(hl7.parseEr7(bad));
    assert.equal(d!.location, 'OBX[1]-5');
    assert.match(d!.error!, /not base64/);
  });
});
