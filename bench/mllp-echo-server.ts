/**
 * The baseline of the MLLP server benchmark: a raw framing-and-echo server. It reads bytes, finds
 * each `<VT> … <FS><CR>` frame and writes the frame back as it came — no parse, no validation, no
 * acknowledgement built, no logging, no timers, no limits. What is left is the cost any MLLP server
 * in Node pays for a message: socket reads and writes, and the search for the end block.
 *
 * Not a server to deploy: it buffers whatever a peer sends until an end block arrives.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

const END_BLOCK = 0x1c;
const CARRIAGE_RETURN = 0x0d;

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let held: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    let from = 0;
    for (;;) {
      const end = chunk.indexOf(END_BLOCK, from);
      if (end < 0) break;
      // The frame ends at <FS>; the <CR> after it is echoed when it is in the same chunk.
      const stop = chunk[end + 1] === CARRIAGE_RETURN ? end + 2 : end + 1;
      const part = chunk.subarray(from, stop);
      socket.write(held.length === 0 ? part : Buffer.concat([...held, part]));
      held = [];
      from = stop;
    }
    if (from < chunk.length) {
      const rest = chunk.subarray(from);
      // A lone <CR> left over from the previous frame is not the start of a new one.
      if (!(held.length === 0 && rest.length === 1 && rest[0] === CARRIAGE_RETURN)) held.push(rest);
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Starts the echo server on a free loopback port. */
export async function startEchoServer(host = '127.0.0.1'): Promise<EchoServer> {
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections are closed by the load client; nothing is left to drain.
      }),
  };
}
