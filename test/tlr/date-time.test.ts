import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dateTimeFromDate, dateTimeToDate, fromHl7DateTime, isDateTime, toHl7DateTime, TlrBuildError } from '../../src/tlr/index.js';

describe('DateTime ⇄ HL7 TS', () => {
  it('maps each ISO 8601 precision onto the TS of the same precision and back', () => {
    const pairs: Array<[string, string]> = [
      ['1979', '1979'],
      ['1979-03', '197903'],
      ['1979-03-28', '19790328'],
      ['2026-01-06T13', '2026010613'],
      ['2026-01-06T13:44', '202601061344'],
      ['2026-01-06T13:44:18', '20260106134418'],
      ['2026-01-06T13:44:18.25', '20260106134418.25'],
      ['2026-01-06T13:44:18+01:00', '20260106134418+0100'],
      ['2026-07-06T13:44:18-03:30', '20260706134418-0330'],
    ];
    for (const [iso, ts] of pairs) {
      assert.equal(toHl7DateTime(iso), ts);
      assert.equal(fromHl7DateTime(ts), iso);
    }
    assert.equal(toHl7DateTime('2026-01-06T13:44:18Z'), '20260106134418+0000');
  });

  it('refuses impossible dates and malformed text', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-01-06 13:44', '06/01/2026', '2026-01-06T24:00', '']) {
      assert.equal(isDateTime(bad), false, bad);
      assert.throws(
        () => toHl7DateTime(bad, 'order.requestedAt'),
        (e: unknown) => e instanceof TlrBuildError && e.path === 'order.requestedAt',
      );
    }
    assert.equal(fromHl7DateTime('20260230'), undefined);
  });

  it('converts instants in the Europe/Paris offset, winter and summer', () => {
    assert.equal(dateTimeFromDate(new Date('2026-01-06T12:44:18Z')), '2026-01-06T13:44:18+01:00');
    assert.equal(dateTimeFromDate(new Date('2026-07-06T12:44:18Z')), '2026-07-06T14:44:18+02:00');
    assert.equal(dateTimeToDate('2026-07-06T14:44:18')?.toISOString(), '2026-07-06T12:44:18.000Z', 'no offset = Paris local time');
    assert.equal(dateTimeToDate('2026-01-06T13:44:18+01:00')?.toISOString(), '2026-01-06T12:44:18.000Z');
  });
});
