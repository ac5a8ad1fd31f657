import type { Message } from '../../src/hl7/index.js';
import { readAck } from '../../src/hl7/index.js';
import { MllpClient } from '../../src/mllp/index.js';

/** Sends one message to a gateway's MLLP port as a partner would, and reads the acknowledgement it answers. */
export async function sendOverMllp(
  port: number,
  message: Message,
): Promise<{ code: string; ack: Message; errors: ReturnType<typeof readAck>['errors'] }> {
  const client = new MllpClient({ host: '127.0.0.1', port, ackTimeoutMs: 120_000 });
  await client.connect();
  try {
    const result = await client.send(message);
    return { code: result.code, ack: result.ackMessage, errors: readAck(result.ackMessage).errors };
  } finally {
    await client.close();
  }
}
