import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingReportError, completeViewerUrl } from '../../../src/documents/report/index.js';

const PARTIAL =
  'https://drimbox.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.250.1.213.4.5.2.1.101' +
  '&Accessionnumber=1.2.250.1.925.994044.27.ACN101';

describe('DRIMbox viewer URL completion', () => {
  it('appends idCDA to the partial URL (drimbox.md test vector)', () => {
    assert.equal(completeViewerUrl(PARTIAL, '1.2.250.1.213.4.5.4.402'), `${PARTIAL}&idCDA=1.2.250.1.213.4.5.4.402`);
  });

  it('handles a partial URL ending with & or ?, or without query', () => {
    assert.equal(completeViewerUrl(`${PARTIAL}&`, '1.2.3'), `${PARTIAL}&idCDA=1.2.3`);
    assert.equal(
      completeViewerUrl('https://d.example.org/IHEInvokeImageDisplay?', '1.2.3'),
      'https://d.example.org/IHEInvokeImageDisplay?idCDA=1.2.3',
    );
    assert.equal(
      completeViewerUrl('https://d.example.org/IHEInvokeImageDisplay', '1.2.3'),
      'https://d.example.org/IHEInvokeImageDisplay?idCDA=1.2.3',
    );
  });

  it('fills an empty idCDA placeholder instead of adding a second one, and never touches the other parameters', () => {
    assert.equal(
      completeViewerUrl('https://d.example.org/x?idCDA=&accessionNumber=A%2FB&studyUID=1.2', '9.8'),
      'https://d.example.org/x?idCDA=9.8&accessionNumber=A%2FB&studyUID=1.2',
    );
    assert.equal(
      completeViewerUrl('https://d.example.org/x?studyUID=1.2&idCDA=old', '9.8'),
      'https://d.example.org/x?studyUID=1.2&idCDA=9.8',
    );
  });

  it('percent-encodes only the appended value', () => {
    assert.equal(
      completeViewerUrl('https://d.example.org/x?a=1', 'root/with space'),
      'https://d.example.org/x?a=1&idCDA=root%2Fwith%20space',
    );
  });

  it('refuses a URL that is not absolute http(s)', () => {
    for (const bad of ['drimbox/IHEInvokeImageDisplay', 'javascript:alert(1)', 'ftp://d.example.org/x']) {
      assert.throws(
        () => completeViewerUrl(bad, '1.2'),
        (e: unknown) => e instanceof ImagingReportError && e.code === 'TLR_ERR_REPORT_VIEWER_URL_INVALID',
      );
    }
  });
});
