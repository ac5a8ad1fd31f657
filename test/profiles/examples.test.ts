import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage } from '../../src/hl7/index.js';
import { validateMessage, validateObservations } from '../../src/profiles/index.js';
import { acknowledgedHeader, exampleBytes, ruleList } from './fixtures.js';

/** conformance-checklist.md §13: the findings the guide's own examples must produce, no more, no less. */
describe('guide examples give exactly the findings of checklist section 13', () => {
  it('flow 1 example: no error, warning TLR-PID-008 (test INS OID with MSH-11 = P)', () => {
    const r = validateMessage(exampleBytes('flux1'));
    assert.equal(r.profile, 'flux1');
    assert.equal(r.valid, true);
    assert.deepEqual(ruleList(r.issues), ['TLR-PID-008@warning']);
  });

  it('flow 2 example: no error, warning TLR-PID-008', () => {
    const r = validateMessage(exampleBytes('flux2'));
    assert.equal(r.profile, 'flux2');
    assert.deepEqual(ruleList(r.issues), ['TLR-PID-008@warning']);
  });

  it('flow 3 example: error TLR-OBX-016 (placeholder base64), warning TLR-PID-008', () => {
    const r = validateMessage(exampleBytes('flux3'));
    assert.equal(r.profile, 'flux3');
    assert.equal(r.valid, false);
    assert.deepEqual(ruleList(r.issues), ['TLR-OBX-016@error', 'TLR-PID-008@warning']);
    assert.equal(r.issues.find((i) => i.rule === 'TLR-OBX-016')!.location, 'OBX-5.5');
  });

  it('flow 4 example: no error, warnings TLR-PID-008, TLR-F4-027 and TLR-F4-028 (viewer URL placeholder)', () => {
    const r = validateMessage(exampleBytes('flux4'));
    assert.equal(r.profile, 'flux4');
    assert.equal(r.valid, true);
    assert.deepEqual(ruleList(r.issues), ['TLR-F4-027@warning', 'TLR-F4-028@warning', 'TLR-PID-008@warning']);
  });

  it('positive ACK example correlated with its ORM^O01 header: error TLR-ACK-006 only', () => {
    const r = validateMessage(exampleBytes('ackAA'), { acknowledged: acknowledgedHeader() });
    assert.equal(r.profile, 'ack');
    assert.deepEqual(ruleList(r.issues), ['TLR-ACK-006@error']);
  });

  it('negative ACK example correlated with its ORM^O01 header: error TLR-ACK-006 only', () => {
    const r = validateMessage(exampleBytes('ackAE'), { acknowledged: acknowledgedHeader() });
    assert.deepEqual(ruleList(r.issues), ['TLR-ACK-006@error']);
  });

  it('ACK examples without the acknowledged message: correlated rules are skipped, no finding', () => {
    assert.deepEqual(validateMessage(exampleBytes('ackAA')).issues, []);
    assert.deepEqual(validateMessage(exampleBytes('ackAE')).issues, []);
  });

  it('Sub-ID fragment read as the OBX part of a flow-4 ORDER group: OBX-004 ×5, OBX-006 ×5, OBX-009 ×6, OBX-010 ×6, F4-048 ×2', () => {
    // common.md §5.1, verbatim from page sub-id, behind an MSH so the ER7 parser can read it.
    const fragment = `${[
      'MSH|^~\\&|StructureApp|StructureFacility|TLRapp|TLRfacility|20260106184518||OMI^O23^OMI_O23|000004|P|2.5.1|||||FRA|' +
        'UNICODE UTF-8|||1.0^CISIS_TLR_HL7_V2',
      'OBX|1|CE|PRODUIT_ADMINISTRE^Produit administré^TLR_OBSERVATION|1.1|V09^Produits de diagnostic^ATC||||',
      'OBX|2|TX|PRODUIT_ADMINISTRE^Produit administré|1.2|LOT123456||||',
      'OBX|3|NM|PRODUIT_ADMINISTRE^Produit administré|1.3|120|mL|||',
      'OBX|4|CE|PRODUIT_ADMINISTRE^Produit administré|2.1|V10^Produits thérapeutiques^ATC||||',
      'OBX|5|TX|PRODUIT_ADMINISTRE^Produit administré|2.2|LOT789012||||',
      'OBX|6|NM|PRODUIT_ADMINISTRE^Produit administré|2.3|80|mL|||',
    ].join('\r')}\r`;
    const r = validateObservations(parseMessage(fragment), 'flux4');
    const count = (rule: string): number => r.issues.filter((i) => i.rule === rule).length;
    assert.equal(count('TLR-OBX-004'), 5);
    assert.equal(count('TLR-OBX-006'), 5);
    assert.equal(count('TLR-OBX-009'), 6);
    assert.equal(count('TLR-OBX-010'), 6);
    assert.equal(count('TLR-F4-048'), 2);
    assert.equal(r.issues.length, 24, JSON.stringify(ruleList(r.issues)));
    assert.ok(r.issues.filter((i) => i.rule === 'TLR-F4-048').every((i) => i.severity === 'warning'));
  });
});
