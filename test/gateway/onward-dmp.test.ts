/**
 * The direct onward route to the DMP end to end: platform → RIS half (MDM T02/T10/T04 over MLLP) →
 * the RIS's durable outbox → the DMP test double (XDS.b over mutual TLS with a signed VIHF: ITI-41,
 * RPLC, ITI-18, ITI-57) → the publication status of each version. On SQLite, and on PostgreSQL when
 * CISIS_TLR_TEST_PG is set. And the configuration errors of `onward.dmp`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/gateway/config.js';
import { GatewayConfigError } from '../../src/gateway/errors.js';

/** A complete `onward.dmp` (the files need not exist to load the configuration). */
const DMP = {
  endpoint: 'https://dmp.test.local/si-dmp-server/v2/services/repository',
  tls: { cert: '/etc/cisis-tlr/structure.crt', key: '/etc/cisis-tlr/structure.key', ca: '/etc/cisis-tlr/igc-sante.pem' },
  structure: { id: '750000001', idType: 'FINESS', name: 'Centre Imagerie Test', sector: 'SA07' },
  lps: { homologationId: 'HOMOLOGATION-TEST', name: 'cisis-tlr', version: '1.0' },
  sourceId: '1.2.250.1.999.1.1',
} as const;

const load = (onward: Record<string, unknown>, role: 'ris' | 'platform' = 'ris') =>
  loadConfig({ env: {}, overrides: { role, onward } as never });

describe('onward.dmp configuration', () => {
  it('completes a direct DMP route with its defaults', async () => {
    const c = await load({ dmp: DMP });
    const dmp = c.onward?.dmp;
    assert.ok(dmp);
    assert.equal(dmp.name, 'dmp');
    assert.equal(dmp.registryEndpoint, DMP.endpoint, 'the registry defaults to the repository endpoint');
    assert.deepEqual(dmp.signing, { cert: DMP.tls.cert, key: DMP.tls.key }, 'the VIHF is signed with the TLS certificate by default');
    assert.equal(dmp.vihfVersion, '3.0');
    assert.equal(dmp.timeoutMs, 30_000);
    assert.equal(c.onward?.pfi, undefined, 'no PFI route unless configured');
  });

  it('keeps the PFI for MSSanté beside the direct route', async () => {
    const c = await load({ dmp: DMP, pfi: { port: 2577, mssante: { professionals: true } } });
    assert.equal(c.onward?.pfi?.dmp, false, 'the PFI does not publish to the DMP as well');
    assert.ok(c.onward?.dmp);
  });

  it('refuses a PFI asked to publish to the DMP beside the direct route', async () => {
    await assert.rejects(load({ dmp: DMP, pfi: { dmp: true } }), (e: Error) => {
      assert.ok(e instanceof GatewayConfigError);
      assert.match(e.message, /onward\.pfi\.dmp: false/);
      return true;
    });
  });

  it('refuses an endpoint that is not https, naming the key', async () => {
    await assert.rejects(
      load({ dmp: { ...DMP, endpoint: 'http://dmp.test.local/repository' } }),
      /onward\.dmp\.endpoint: must match pattern/,
    );
    await assert.rejects(load({ dmp: { ...DMP, registryEndpoint: 'ftp://x' } }), /onward\.dmp\.registryEndpoint/);
  });

  it('refuses a route without its certificate, CA, structure or LPS', async () => {
    const { tls: _t, ...noTls } = DMP;
    await assert.rejects(load({ dmp: noTls }), /onward\.dmp: must have required property 'tls'/);
    await assert.rejects(
      load({ dmp: { ...DMP, tls: { cert: 'a.crt', key: 'a.key' } } }),
      /onward\.dmp\.tls: must have required property 'ca'/,
    );
    const { structure: _s, ...noStructure } = DMP;
    await assert.rejects(load({ dmp: noStructure }), /must have required property 'structure'/);
    await assert.rejects(
      load({ dmp: { ...DMP, lps: { name: 'x', version: '1' } } }),
      /onward\.dmp\.lps: must have required property 'homologationId'/,
    );
  });

  it('refuses a structure identifier type, activity sector or source OID of the wrong form', async () => {
    await assert.rejects(
      load({ dmp: { ...DMP, structure: { ...DMP.structure, idType: 'ADELI' } } }),
      /onward\.dmp\.structure\.idType: .*FINESS, SIRET, RPPS/,
    );
    await assert.rejects(load({ dmp: { ...DMP, structure: { ...DMP.structure, sector: 'hospital' } } }), /onward\.dmp\.structure\.sector/);
    await assert.rejects(load({ dmp: { ...DMP, sourceId: '1.2.03' } }), /onward\.dmp\.sourceId/);
    await assert.rejects(load({ dmp: { ...DMP, vihfVersion: '2.0' } }), /onward\.dmp\.vihfVersion: .*3\.0, 4\.0/);
    await assert.rejects(load({ dmp: { ...DMP, colour: 'blue' } }), /onward\.dmp: must NOT have additional properties "colour"/);
  });

  it('refuses a direct DMP route on a platform', async () => {
    await assert.rejects(load({ dmp: DMP }, 'platform'), /onward\.dmp is a RIS setting/);
  });

  it('reads the endpoint and certificate files from the environment', async () => {
    const c = await loadConfig({
      env: {
        CISIS_TLR_ONWARD_DMP_ENDPOINT: 'https://env.dmp.local/repository',
        CISIS_TLR_ONWARD_DMP_TLS_CA: '/env/ca.pem',
        CISIS_TLR_ONWARD_DMP_TIMEOUT_MS: '5000',
      },
      overrides: { role: 'ris', onward: { dmp: DMP } } as never,
    });
    assert.equal(c.onward?.dmp?.endpoint, DMP.endpoint, 'overrides beat the environment');
    assert.equal(c.onward?.dmp?.tls.ca, DMP.tls.ca);
    assert.equal(c.onward?.dmp?.timeoutMs, 5000);
  });
});
