// One way to answer a custom `rubato/…` request: validate the untrusted params with the protocol's checker,
// run the handler, and turn every failure into a ResponseError whose message names the problem. The
// server keeps serving whatever a handler throws.

import { ErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';

/** Thrown by handlers for a problem the user caused (bad path, refused by trust, …): InvalidParams, not InternalError. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

function isToken(x: unknown): x is CancellationToken {
  return typeof x === 'object' && x !== null && 'isCancellationRequested' in x && 'onCancellationRequested' in x;
}

export function onValidatedRequest<P, R>(
  connection: Connection,
  method: string,
  check: (x: unknown) => string | null,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
): void {
  connection.onRequest(method, async (...args: unknown[]) => {
    // A request sent without params reaches the handler as (token) alone, not (undefined, token).
    const [raw, token] = args.length === 1 && isToken(args[0]) ? [undefined, args[0]] : [args[0], args[1] as CancellationToken];
    const problem = check(raw);
    if (problem) return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${problem}`);
    try {
      return await handler(raw as P, token);
    } catch (err) {
      if (token.isCancellationRequested) return new ResponseError(-32800 /* RequestCancelled */, `${method}: cancelled`);
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof UserFacingError) return new ResponseError(ErrorCodes.InvalidParams, message);
      connection.console.error(`${method}: ${err instanceof Error && err.stack ? err.stack : message}`);
      return new ResponseError(ErrorCodes.InternalError, message);
    }
  });
}
