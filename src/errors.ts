/** One error class for failures that cross a boundary; `code` is stable, `status` its HTTP mapping. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new AppError(code, message, 400);
export const unauthorized = (message = 'missing or invalid credentials') => new AppError('unauthorized', message, 401);
export const forbidden = (message = 'not allowed') => new AppError('forbidden', message, 403);
export const notFound = (message = 'not found') => new AppError('not_found', message, 404);
