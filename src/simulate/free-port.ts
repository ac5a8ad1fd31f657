import { createServer } from 'node:net';

/**
 * A TCP port that is free on `host` now: the system picks one for a throw-away listener, which is
 * closed before the port is returned. Used where two half-connectors must know each other's port
 * before either starts (each one's MLLP client is configured with the other's listener).
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
