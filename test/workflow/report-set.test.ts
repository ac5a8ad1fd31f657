import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyReportSetEvent, currentReportOf, type ReportRecord } from '../../src/workflow/index.js';

const SET = { root: '1.2.250.1.999.1.1', extension: 'SET-1' };

function version(n: number, status: ReportRecord['status'] = 'current', setId = SET): ReportRecord {
  return {
    documentId: { root: '1.2.250.1.999.1.2', extension: `${setId.extension}-V${n}` },
    setId,
    version: n,
    title: 'CR',
    status,
    messageId: 10 + n,
    at: '2025-01-01T00:00:00.000Z',
  };
}

describe('report set of an order (T02, T10, T04)', () => {
  it('adds an initial report as current and tells the workflow `report`', () => {
    const d = applyReportSetEvent([], { kind: 'initial', report: version(1) });
    assert.ok(d.accept);
    assert.deepEqual(
      d.reports.map((r) => [r.version, r.status]),
      [[1, 'current']],
    );
    assert.deepEqual(d.event, { type: 'report' });
  });

  it('marks the replaced version replaced and adds the new one as current', () => {
    const d = applyReportSetEvent([version(1)], { kind: 'replace', replaced: version(1).documentId, report: version(2) });
    assert.ok(d.accept);
    assert.deepEqual(
      d.reports.map((r) => [r.version, r.status]),
      [
        [1, 'replaced'],
        [2, 'current'],
      ],
    );
    assert.deepEqual(d.event, { type: 'reportReplaced' });
  });

  it('marks the deleted version deleted and counts the reports still in force', () => {
    const other = version(1, 'current', { root: SET.root, extension: 'SET-2' });
    const last = applyReportSetEvent([version(1, 'replaced'), version(2)], { kind: 'delete', deleted: version(2).documentId });
    assert.ok(last.accept);
    assert.deepEqual(
      last.reports.map((r) => r.status),
      ['replaced', 'deleted'],
    );
    assert.deepEqual(last.event, { type: 'reportDeleted', remainingReports: 0 });
    const oneOfTwo = applyReportSetEvent([version(1), other], { kind: 'delete', deleted: version(1).documentId });
    assert.ok(oneOfTwo.accept);
    assert.deepEqual(oneOfTwo.event, { type: 'reportDeleted', remainingReports: 1 });
  });

  it('refuses (204) to replace or delete a version that is not current, and leaves the set as it is', () => {
    const reports = [version(1, 'replaced'), version(2)];
    const replace = applyReportSetEvent(reports, { kind: 'replace', replaced: version(1).documentId, report: version(3) });
    assert.deepEqual(replace.accept ? null : [replace.refusal, replace.errorCode], ['replaced_not_current', '204']);
    const unnamed = applyReportSetEvent(reports, { kind: 'replace', replaced: undefined, report: version(3) });
    assert.equal(unnamed.accept, false);
    const remove = applyReportSetEvent(reports, { kind: 'delete', deleted: { root: '1.2.3' } });
    assert.deepEqual(remove.accept ? null : [remove.refusal, remove.errorCode], ['deleted_not_current', '204']);
    assert.deepEqual(
      reports.map((r) => r.status),
      ['replaced', 'current'],
    );
  });

  it('finds the current report a replacement targets: the only one, or the one of the set named', () => {
    const other = version(1, 'current', { root: '1.2.250.1.999.1.9', extension: 'SET-9' });
    assert.deepEqual(currentReportOf([version(1, 'replaced'), version(2)]), { found: true, report: version(2) });
    assert.deepEqual(currentReportOf([version(1, 'deleted')]), { found: false, reason: 'none', setIds: [] });
    assert.deepEqual(currentReportOf([version(2), other]), { found: false, reason: 'several', setIds: [SET.root, other.setId.root] });
    assert.deepEqual(currentReportOf([version(2), other], other.setId.root), { found: true, report: other });
    assert.deepEqual(currentReportOf([version(2)], '9.9.9'), { found: false, reason: 'none', setIds: [] });
  });
});
