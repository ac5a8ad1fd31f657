import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files of a throw-away PKI for a local DMP double, in a temporary folder. */
export interface DmpCertificates {
  readonly dir: string;
  /** The CA that signs both sides (it stands for the IGC-Santé test chain). */
  readonly ca: string;
  /** The double's server certificate (DNS `localhost`, IP 127.0.0.1) and its key. */
  readonly serverCert: string;
  readonly serverKey: string;
  /**
   * The structure's certificate and key (mutual TLS and the VIHF signature; IGC-Santé "ORG" in a
   * real deployment). RSA: the VIHF is signed RSA-SHA256, as XML-DSig libraries and the DMP expect.
   */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client certificate signed by another CA, which the double must refuse. */
  readonly rogueCert: string;
  readonly rogueKey: string;
  remove(): Promise<void>;
}

/**
 * Generates the certificates a local DMP test environment needs with the `openssl` command line (the
 * demo and the tests use it; node:crypto signs but does not issue X.509 certificates). Valid two days.
 */
export async function generateDmpCertificates(
  structure: { name: string; id: string } = { name: 'Centre Imagerie Demo', id: '1750000001' },
): Promise<DmpCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'cisis-tlr-dmp-pki-'));
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const key = (name: string) => openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`);
  const ca = async (name: string, subject: string) => {
    await key(name);
    await openssl(
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
  const leaf = async (name: string, caName: string, subject: string, extensions: string) => {
    await key(name);
    await openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    await writeFile(join(dir, `${name}.ext`), extensions);
    await openssl(
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
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  };
  try {
    await Promise.all([ca('ca', '/CN=DMP Test CA/O=cisis-tlr'), ca('rogue-ca', '/CN=Rogue CA')]);
    // Subject names without commas or quotes: the VIHF Issuer is the certificate's DN as text.
    const org = structure.name.replace(/[^A-Za-z0-9 .-]/g, ' ');
    await Promise.all([
      leaf('server', 'ca', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
      leaf(
        'structure',
        'ca',
        `/CN=${structure.id}/O=${org}/OU=${structure.id}`,
        'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,nonRepudiation\n',
      ),
      leaf('rogue', 'rogue-ca', '/CN=intruder', 'extendedKeyUsage=clientAuth\n'),
    ]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    throw new Error(
      err.code === 'ENOENT'
        ? 'The openssl command is needed to generate the DMP test certificates (apt-get install openssl)'
        : `openssl failed: ${err.stderr?.trim() || err.message}`,
    );
  }
  const at = (file: string) => join(dir, file);
  return {
    dir,
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('structure.crt'),
    clientKey: at('structure.key'),
    rogueCert: at('rogue.crt'),
    rogueKey: at('rogue.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
