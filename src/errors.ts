/**
 * Every code an {@link AppError} may carry, and the HTTP status it is answered with: the one
 * table, used by every route (admin, Direct Line, /api/messages, the edge's body checks).
 * The body is always `{ error: { code, message, ...detail } }`, the shape Direct Line clients
 * (botframework-directlinejs, Web Chat) read.
 */
export const errorStatus = {
  bad_request: 400,
  malformed_json: 400,
  invalid_unicode: 400,
  json_too_deep: 400,
  request_aborted: 400,
  bad_activity: 400,
  // The engine's own: a message it cannot take (NUL, broken Unicode, too long), or could not store.
  turn_invalid: 400,
  turn_failed: 503,
  flow_missing: 503,
  empty_message: 400,
  bad_watermark: 400,
  partner_id_invalid: 400,
  application_id_invalid: 400,
  status_invalid: 400,
  unauthorized: 401,
  // A partner credential that was revoked (anchorline partners credentials revoke).
  credential_revoked: 401,
  // A valid credential asking for what is not its own (another partner's data; the operator token on partner data).
  forbidden: 403,
  admin_disabled: 403,
  origin_not_allowed: 403,
  wrong_conversation: 403,
  // Direct Line answers 403 for a bad or expired token; directlinejs then reports ExpiredToken.
  token_expired: 403,
  token_malformed: 403,
  token_bad_signature: 403,
  // /api/messages: a reply would go to a serviceUrl not on BOTFRAMEWORK_SERVICE_URLS.
  service_url_not_allowed: 403,
  // /api/messages without an app id (development) takes activities from this machine only.
  unauthenticated_remote: 403,
  not_found: 404,
  conversation_not_found: 404,
  partner_not_found: 404,
  application_not_found: 404,
  method_not_allowed: 405,
  application_withdrawn: 409,
  // A "send me my data" link that was used, has expired or never existed (which, is not said).
  export_link_gone: 410,
  body_too_large: 413,
  message_too_large: 413,
  unsupported_media_type: 415,
  flows_invalid: 422,
  rate_limited: 429,
  // Issue 12: more activities than a conversation or a client address may post (Retry-After says when).
  too_many_messages: 429,
  // The coordinator studio (/studio, issue 13).
  studio_signin_required: 401,
  csrf_failed: 403,
  invitation_gone: 410,
  draft_conflict: 409,
  publish_blocked: 409,
  release_not_found: 404,
  data_invalid: 400,
  data_conflict: 409,
  // The outcomes report as PDF needs Chromium (CHROMIUM_PATH); without it the HTML report still works.
  pdf_unavailable: 503,
  // A referral code nobody has (the operator asking; a partner gets 403 for it, as for another's).
  referral_not_found: 404,
  filters_invalid: 400,
  // A decile on its own whose count the unfiltered figures hide: showing it would undo the hiding.
  outcomes_too_few: 422,
  internal: 500,
  try_again: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;

export interface AppErrorOptions {
  cause?: unknown;
  /** Response headers that belong to the answer, e.g. `Retry-After` on 429. */
  headers?: Record<string, string>;
  /** Extra fields of the error body beside code and message (e.g. a list of problems). */
  detail?: Record<string, unknown>;
}

/**
 * The one error class for failures that cross the HTTP boundary (hono's `HTTPException` is the
 * model): a stable `code`, a message fit for the caller, and the `cause` for the log only.
 *
 * @example
 * throw new AppError('conversation_not_found', 'no such conversation');
 */
export class AppError extends Error {
  readonly headers: Record<string, string>;
  readonly detail: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.headers = options.headers ?? {};
    this.detail = options.detail ?? {};
  }

  get status(): number {
    return errorStatus[this.code];
  }

  /** The JSON body the caller sees. */
  toBody(): { error: { code: ErrorCode; message: string } & Record<string, unknown> } {
    return { error: { ...this.detail, code: this.code, message: this.message } };
  }
}

/** Status codes of errors thrown by libraries (body-parser, send) that we answer under our own code. */
const codeOfStatus: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

/** body-parser's `type` tags (see body-parser's README, "Errors"). */
const codeOfBodyParserType: Partial<Record<string, [ErrorCode, string]>> = {
  'entity.parse.failed': ['malformed_json', 'the request body is not valid JSON'],
  'entity.too.large': ['body_too_large', 'the request body is too large'],
  'request.aborted': ['request_aborted', 'the request was aborted before its body arrived'],
  'request.size.invalid': ['bad_request', 'the request body is shorter or longer than its Content-Length'],
  'encoding.unsupported': ['unsupported_media_type', 'the request body has an unsupported encoding'],
  'charset.unsupported': ['unsupported_media_type', 'the request body has an unsupported charset'],
};

/**
 * Any thrown value as an AppError: ours as is; a library's client error (4xx) under the code of
 * its status; anything else is `internal` (500) with the original kept as `cause`.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const known = typeof e.type === 'string' ? codeOfBodyParserType[e.type] : undefined;
  if (known) return new AppError(known[0], known[1], { cause: err });
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    // http-errors marks messages safe to show with `expose` (its own wording, e.g. "Not Found").
    const message = e.expose === true && typeof e.message === 'string' ? e.message : 'the request cannot be served';
    return new AppError(codeOfStatus[status] ?? 'bad_request', message, { cause: err });
  }
  return new AppError('internal', 'something went wrong', { cause: err });
}
