/** Errors of the gateway layer, with stable codes. */
export type GatewayErrorCode =
  | 'TLR_ERR_GATEWAY_CONFIG'
  | 'TLR_ERR_GATEWAY_NOT_FOUND'
  | 'TLR_ERR_GATEWAY_CONFLICT'
  | 'TLR_ERR_GATEWAY_INVALID_REQUEST'
  | 'TLR_ERR_GATEWAY_UNAUTHORIZED'
  | 'TLR_ERR_GATEWAY_WRONG_ROLE'
  | 'TLR_ERR_GATEWAY_INVALID_MESSAGE'
  | 'TLR_ERR_GATEWAY_NOT_READY'
  | 'TLR_ERR_GATEWAY_IDEMPOTENCY_KEY_REUSED'
  | 'TLR_ERR_GATEWAY_IDEMPOTENCY_IN_PROGRESS';

export class GatewayError extends Error {
  override readonly name: string = 'GatewayError';
  readonly code: GatewayErrorCode;
  /** HTTP status when the error reaches the REST API. */
  readonly status: number;
  /** Extra members of the problem+json body (e.g. validation findings). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: GatewayErrorCode, message: string, status: number, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** The configuration is unreadable or invalid; `problems` lists every issue found. */
export class GatewayConfigError extends GatewayError {
  override readonly name = 'GatewayConfigError';
  readonly problems: string[];

  constructor(message: string, problems: string[] = [message]) {
    super('TLR_ERR_GATEWAY_CONFIG', message, 500);
    this.problems = problems;
  }
}
