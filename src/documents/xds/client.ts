import { request as httpsRequest } from 'node:https';
import type { SoapRequest } from './requests.js';
import { parseDmpResponse } from './response.js';
import type { DmpResult } from './response.js';

/** The TLS client identity of the structure and the CA that signs the DMP's server certificate (PEM). */
export interface DmpTls {
  cert: string | Buffer;
  key: string | Buffer;
  ca: string | Buffer;
}

/** Largest answer read (a RegistryResponse is small; an ITI-18 LeafClass answer for one document is a few kB). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * POSTs a SOAP request over HTTPS with mutual TLS (node:https: the server certificate is verified against `ca` and
 * the host name) and maps the answer with {@link parseDmpResponse}. Never throws: a connection error, a TLS
 * failure or the timeout is `transient` with the error's code (`ECONNREFUSED`, `ETIMEDOUT`…).
 */
export function postSoap(endpoint: string, request: SoapRequest, tls: DmpTls, timeoutMs: number): Promise<DmpResult> {
  return new Promise<DmpResult>((resolve) => {
    let settled = false;
    const done = (r: DmpResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      done({ outcome: 'refused', code: 'InvalidEndpoint', text: `"${endpoint}" is not a URL` });
      return;
    }
    if (url.protocol !== 'https:') {
      done({ outcome: 'refused', code: 'InvalidEndpoint', text: 'the DMP endpoint must be https' });
      return;
    }
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        cert: tls.cert,
        key: tls.key,
        ca: tls.ca,
        headers: { 'content-type': request.contentType, 'content-length': String(request.body.length), 'mime-version': '1.0' },
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy();
            done({ outcome: 'transient', code: 'AnswerTooLarge', text: `the answer exceeds ${MAX_ANSWER_BYTES} bytes` });
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => done(parseDmpResponse(res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks))));
        res.on('error', (e) => done({ outcome: 'transient', code: (e as NodeJS.ErrnoException).code ?? 'ResponseError', text: e.message }));
      },
    );
    req.on('timeout', () => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ outcome: 'transient', code: e.code ?? 'NetworkError', text: e.message }));
    req.end(request.body);
  });
}
