import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { buildPublicationRequest, postSoap } from '../../src/documents/xds/index.js';
import { cliPath } from '../helpers/paths.js';
import { CONTENT_TYPE_EXTERNAL, clientTls, createDmpTestPki, level1, submitterOf } from './dmp-fixtures.js';
import type { DmpTestPki } from './dmp-fixtures.js';

describe('cisis-tlr simulate dmp', () => {
  let pki: DmpTestPki;
  before(() => {
    pki = createDmpTestPki();
  });
  after(() => pki?.remove());

  it('listens with the given certificates, accepts a publication over mTLS and prints its count when stopped', async () => {
    const child = spawn(
      process.execPath,
      [
        cliPath,
        'simulate',
        'dmp',
        '--port',
        '0',
        '--tls-cert',
        pki.paths.serverCert,
        '--tls-key',
        pki.paths.serverKey,
        '--tls-ca',
        pki.paths.ca,
        '--require-signature',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout });
    const waitFor = (re: RegExp): Promise<string> =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolve(seen);
        const onLine = (line: string): void => {
          if (!re.test(line)) return;
          reader.off('line', onLine);
          resolve(line);
        };
        reader.on('line', onLine);
        child.once('exit', (code) => reject(new Error(`exited with ${code} before ${re}: ${lines.join('\n')}`)));
      });
    reader.on('line', (l) => lines.push(l));
    try {
      const ready = await waitFor(/^DMP double: https:\/\/127\.0\.0\.1:\d+\/repository/);
      const portNumber = Number(/:(\d+)\/repository/.exec(ready)?.[1]);
      const to = `https://localhost:${portNumber}/repository`;
      const { request } = buildPublicationRequest({
        to,
        document: level1(),
        submitter: submitterOf(pki),
        contentTypeCode: CONTENT_TYPE_EXTERNAL,
      });
      const result = await postSoap(to, request, clientTls(pki), 15_000);
      assert.equal(result.outcome, 'accepted', JSON.stringify(result));
      await waitFor(/\/repository urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b → accepted/);
      child.kill('SIGINT');
      const summary = await waitFor(/request\(s\)/);
      assert.match(summary, /1 request\(s\), 0 refused; 1 document entry/);
      assert.ok(!lines.join('\n').includes('279035121518989'), 'no INS on the console');
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  });
});
