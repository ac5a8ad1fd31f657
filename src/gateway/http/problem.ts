import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '../../store/index.js';
import { GatewayError } from '../errors.js';

/** RFC 9457 problem details, as every API error is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Problem type URIs are stable URNs naming the error code (listed in docs/api.md); `about:blank` when there is none. */
function typeFor(code: string | undefined): string {
  return code ? `urn:cisis-tlr:problem:${code}` : 'about:blank';
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  detail: string,
  code?: string,
  extra?: Record<string, unknown>,
): FastifyReply {
  const body: Problem = {
    type: typeFor(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url,
    ...(code ? { code } : {}),
    ...extra,
  };
  return reply.code(status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
}

/**
 * Fastify error handler: schema validation errors → 400 with every violation listed, our
 * `GatewayError`s → their status, anything else → 500 without internals (logged with the request id).
 */
export function problemErrorHandler(
  error: FastifyError | GatewayError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof GatewayError) return sendProblem(reply, request, error.status, error.message, error.code, error.details);
  // A cursor the client altered, or one issued by another listing: the request is wrong, not the server.
  if (error instanceof StoreError && error.code === 'TLR_ERR_STORE_INVALID_CURSOR') {
    return sendProblem(
      reply,
      request,
      400,
      `${error.message}: pass back the \`next\` of a previous page unchanged`,
      'TLR_ERR_GATEWAY_INVALID_REQUEST',
    );
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const errors = fe.validation.map((v) => ({
      pointer: `${fe.validationContext ?? 'body'}${v.instancePath}`,
      message: v.message ?? 'invalid',
    }));
    return sendProblem(
      reply,
      request,
      400,
      `Request ${fe.validationContext ?? 'body'} does not match the schema: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`,
      'TLR_ERR_GATEWAY_INVALID_REQUEST',
      { errors },
    );
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return sendProblem(reply, request, fe.statusCode, fe.message, fe.code);
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, request, 500, 'Internal error; see the gateway log for this request id', 'TLR_ERR_GATEWAY_INTERNAL', {
    requestId: request.id,
  });
}
