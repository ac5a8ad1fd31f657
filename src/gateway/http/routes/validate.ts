import type { FastifyInstance } from 'fastify';
import { validateMessage } from '../../../profiles/index.js';
import { GatewayError } from '../../errors.js';
import type { GatewayRouteOptions } from '../route-plugin.js';

/**
 * `POST /api/validate`: the validator as a service (the console's validator page): an HL7 message
 * (text/plain) or a CDA document (application/xml) in, the same report as the CLI out.
 */
export async function validateRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.post<{ Body: Buffer; Querystring: { profile?: string } }>(
    '/api/validate',
    {
      schema: {
        tags: ['validation'],
        summary: 'Validate an HL7 v2 message (text/plain) or a CDA document (application/xml)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { profile: { enum: ['auto', 'flux1', 'flux2', 'flux3', 'flux4', 'ack'] } },
        },
      },
    },
    async (req) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new GatewayError(
          'TLR_ERR_GATEWAY_INVALID_REQUEST',
          'Send the message as the request body (Content-Type: text/plain for HL7, application/xml for CDA)',
          400,
        );
      }
      const start = body.subarray(0, 200).toString('latin1').trimStart();
      if (start.startsWith('<')) {
        const validator = gw.plugins.find((p) => p.validateDocument);
        if (!validator?.validateDocument)
          throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', 'CDA validation is not available in this gateway', 400);
        const r = await validator.validateDocument(body);
        return { kind: 'cda', profile: r.profile, valid: r.valid, issues: r.issues };
      }
      // The bytes as received: LF or CRLF separators are tolerated and reported (TLR-GEN-008), as by the CLI.
      const report = validateMessage(body, { profile: (req.query.profile ?? 'auto') as 'auto' });
      return { kind: 'hl7', profile: report.profile, valid: report.valid, issues: report.issues, tree: report.message?.toJSON() ?? null };
    },
  );
}
