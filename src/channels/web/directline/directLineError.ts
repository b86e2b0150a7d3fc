/** An expected Direct Line failure, answered as `{error:{code,message}}` with its HTTP status. */
export class DirectLineError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
