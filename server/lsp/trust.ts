// Workspace Trust as the server sees it: the client says whether the workspace is trusted at start-up
// (initializationOptions.trusted) and when trust is granted later. Untrusted: language features only;
// starting runs, external commands or anything that executes workspace code is refused with this message.

import { UserFacingError } from './request';

export class TrustGate {
  private trustedNow: boolean;

  constructor(trusted: boolean) {
    this.trustedNow = trusted;
  }

  get trusted(): boolean {
    return this.trustedNow;
  }

  set(trusted: boolean): void {
    this.trustedNow = trusted;
  }

  /** Throws the user-facing refusal when the workspace is not trusted. `what` completes "Rubato will not …". */
  require(what: string): void {
    if (!this.trustedNow) {
      throw new UserFacingError(
        `Rubato will not ${what} in an untrusted workspace: it would run code from this folder (run specs name commands and scripts). ` +
          'Trust the workspace (Manage Workspace Trust) to allow it; editing run specs keeps working.',
      );
    }
  }
}

/** Reads `trusted` from initializationOptions. Absent (other editors, tests) means trusted, as VS Code does without a trust model. */
export function trustedFromInit(options: unknown): boolean {
  if (typeof options === 'object' && options !== null && 'trusted' in options) return (options as { trusted: unknown }).trusted !== false;
  return true;
}
