import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { MllpTlsConfigError } from './errors.js';

/** PEM material: a string or the bytes of a PEM file. */
export type Pem = string | Buffer;

/** TLS settings of an MLLP server. */
export interface MllpServerTlsOptions {
  /** Private key of the server certificate. */
  key: Pem;
  /** Server certificate chain. */
  cert: Pem;
  /** Certificate authorities trusted for client certificates (mutual TLS). */
  ca?: Pem | Pem[];
  /** Ask clients for a certificate (mutual TLS). Default false. */
  requestCert?: boolean;
  /**
   * With `requestCert`, refuse clients whose certificate is missing or not signed by `ca`.
   * Default true: asking for a certificate and then accepting anyone would be a false sense of
   * security. Set false to accept and only report `tls.authorized` to the handler.
   */
  rejectUnauthorized?: boolean;
}

/** TLS settings of an MLLP client. */
export interface MllpClientTlsOptions {
  /** Client private key, for mutual TLS. */
  key?: Pem;
  /** Client certificate chain, for mutual TLS. */
  cert?: Pem;
  /** Authorities trusted for the server certificate (default: Node's bundled public roots). */
  ca?: Pem | Pem[];
  /** Refuse a server whose certificate does not verify. Default true. */
  rejectUnauthorized?: boolean;
  /**
   * Name sent as SNI and checked against the server certificate. Default: the host connected to.
   * Hostname verification is always on while `rejectUnauthorized` is true.
   */
  servername?: string;
}

/**
 * Node `tls.createServer` options. TLS 1.2 is the floor (ANS security framework, "PGSSI-S",
 * and every current RIS stack support it).
 */
export function toNodeServerTlsOptions(options: MllpServerTlsOptions): TlsOptions {
  const requestCert = options.requestCert ?? false;
  return {
    key: options.key,
    cert: options.cert,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    requestCert,
    rejectUnauthorized: requestCert ? (options.rejectUnauthorized ?? true) : false,
    minVersion: 'TLSv1.2',
  };
}

/** Node `tls.connect` options for a connection to `host`. */
export function toNodeClientTlsOptions(options: MllpClientTlsOptions, host: string): ConnectionOptions {
  const servername = options.servername ?? host;
  return {
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    // SNI must not carry an IP address (RFC 6066 §3); Node still checks IP SANs against `host`.
    ...(isIP(servername) === 0 ? { servername } : {}),
    minVersion: 'TLSv1.2',
  };
}

/** Paths of PEM files, as given on a command line or in a configuration file. */
export interface TlsFilePaths {
  keyFile?: string | undefined;
  certFile?: string | undefined;
  caFile?: string | undefined;
}

/** Reads PEM files; throws `MllpTlsConfigError` (TLR_ERR_MLLP_TLS_CONFIG) naming the unreadable file. */
export async function readTlsFiles(paths: TlsFilePaths): Promise<{ key?: Buffer; cert?: Buffer; ca?: Buffer }> {
  const read = async (what: string, path: string | undefined): Promise<Buffer | undefined> => {
    if (path === undefined) return undefined;
    try {
      return await readFile(path);
    } catch (cause) {
      throw new MllpTlsConfigError(`Cannot read the TLS ${what} file ${path}: ${(cause as Error).message}`, cause);
    }
  };
  const [key, cert, ca] = await Promise.all([read('key', paths.keyFile), read('certificate', paths.certFile), read('CA', paths.caFile)]);
  return { ...(key ? { key } : {}), ...(cert ? { cert } : {}), ...(ca ? { ca } : {}) };
}
