import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DmpSubmitter, DmpTls, XdsCode } from '../../src/documents/xds/index.js';
import { DmpSimulator } from '../../src/simulate/dmp-simulator.js';
import { crImgLevel1File, crImgLevel3File } from '../documents/cda-fixtures.js';

/**
 * Certificates for the DMP tests, made with the openssl command line (RSA 2048, as the IGC-Santé structure
 * certificates): a CA, the double's server certificate (localhost, 127.0.0.1), the structure's TLS client
 * certificate and its signing ("cachet") certificate, and a rogue CA with its own client and signing certificates.
 */
export interface DmpTestPki {
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  cachet: { cert: string; key: string };
  rogueClient: { cert: string; key: string };
  rogueCachet: { cert: string; key: string };
  paths: Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string>;
  remove(): void;
}

export function createDmpTestPki(): DmpTestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-dmp-pki-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const key = (name: string): void => openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`);
  const ca = (name: string, subject: string): void => {
    key(name);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      subject,
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  };
  const leaf = (name: string, caName: string, subject: string, extensions: string): void => {
    key(name);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    );
  };
  ca('ca', '/C=FR/O=IGC Test/CN=Test CA');
  ca('rogue-ca', '/C=FR/O=Rogue/CN=Rogue CA');
  leaf('server', 'ca', '/C=FR/O=DMP double/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'ca', '/C=FR/O=Hopital Test/CN=ris.test.local', 'extendedKeyUsage=clientAuth\n');
  leaf('cachet', 'ca', '/C=FR/O=Hopital Test/OU=1750000001/CN=cachet.hopital.test', 'keyUsage=critical,digitalSignature,nonRepudiation\n');
  leaf('rogue-client', 'rogue-ca', '/C=FR/O=Rogue/CN=rogue.test', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue-cachet', 'rogue-ca', '/C=FR/O=Rogue/CN=rogue-cachet.test', 'keyUsage=critical,digitalSignature\n');
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const pair = (name: string): { cert: string; key: string } => ({ cert: read(`${name}.crt`), key: read(`${name}.key`) });
  return {
    ca: read('ca.crt'),
    server: pair('server'),
    client: pair('client'),
    cachet: pair('cachet'),
    rogueClient: pair('rogue-client'),
    rogueCachet: pair('rogue-cachet'),
    paths: {
      ca: join(dir, 'ca.crt'),
      serverCert: join(dir, 'server.crt'),
      serverKey: join(dir, 'server.key'),
      clientCert: join(dir, 'client.crt'),
      clientKey: join(dir, 'client.key'),
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** JDV_J59 "consultation externe" as mapped from PV1-2 `O`. */
export const CONTENT_TYPE_EXTERNAL: XdsCode = { code: '07', codingScheme: '1.2.250.1.213.2.2', displayName: 'Consultation externe' };

export function submitterOf(pki: DmpTestPki): DmpSubmitter {
  return {
    sourceId: '1.2.250.1.213.4.5.9.1',
    structure: { id: '1750000001', name: 'Centre hospitalier de démonstration', activitySector: 'SA01' },
    responsible: { id: '801234567894', family: 'BERNARD', given: 'Claire' },
    roles: [
      { code: '10', codingScheme: '1.2.250.1.71.1.2.7', displayName: 'Médecin' },
      { code: 'SM44', codingScheme: '1.2.250.1.71.4.2.5', displayName: 'Radio-diagnostic (SM)' },
    ],
    lps: { name: 'cisis-tlr', version: '0.1.0', homologationId: 'TEST-HOMOLOGATION-1' },
    signer: { certificate: pki.cachet.cert, privateKey: pki.cachet.key },
  };
}

export function clientTls(pki: DmpTestPki): DmpTls {
  return { cert: pki.client.cert, key: pki.client.key, ca: pki.ca };
}

export const level1 = (): Buffer => readFileSync(crImgLevel1File);
export const level3 = (): Buffer => readFileSync(crImgLevel3File);

/** A new version of a fixture CDA: new id, same setId, version + 1, `relatedDocument RPLC` to the previous id. */
export function replacementOf(cda: Buffer, newId: string): Buffer {
  const text = cda.toString('utf8');
  const oldId = /<id root="([^"]+)"\/>/.exec(text)?.[1];
  if (!oldId) throw new Error('fixture without id');
  const replaced = text
    .replace(`<id root="${oldId}"/>`, `<id root="${newId}"/>`)
    .replace('<versionNumber value="1"/>', '<versionNumber value="2"/>')
    .replace(
      '<componentOf>',
      `<relatedDocument typeCode="RPLC"><parentDocument><id root="${oldId}"/></parentDocument></relatedDocument><componentOf>`,
    );
  return Buffer.from(replaced, 'utf8');
}

export async function startDouble(
  pki: DmpTestPki,
  extra: { insEnvironment?: 'test' | 'production'; requireSubmissionSignature?: boolean } = {},
): Promise<DmpSimulator> {
  return DmpSimulator.start({ port: 0, tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca }, ...extra });
}

/** The fixture with another document id (a different report of the same patient). */
export function withId(cda: Buffer, newId: string): Buffer {
  const text = cda.toString('utf8');
  const oldId = /<id root="([^"]+)"\/>/.exec(text)?.[1];
  if (!oldId) throw new Error('fixture without id');
  return Buffer.from(
    text.replace(`<id root="${oldId}"/>`, `<id root="${newId}"/>`).replace(`<setId root="${oldId}"/>`, `<setId root="${newId}"/>`),
    'utf8',
  );
}
