// Server health for the status bar: one typed notification, never a regex over log text.

import { isRecord } from './check';

export type Health = 'ok' | 'warning' | 'error';

/** server → client, whenever health or pending work changes. */
export const StatusNotification = { method: 'rubato/status' } as const;
export interface StatusParams {
  health: Health;
  /** Short human-readable reason for a warning or an error ('' when ok). */
  message: string;
  /** True while the server is doing work the user asked for (a run active or queued, a scan, an eval). */
  busy: boolean;
  /** Whether the workspace is trusted: untrusted = language features only, no runs or commands. */
  trusted: boolean;
}

/**
 * client → server, when the user grants workspace trust during the session (VS Code never revokes trust
 * without a reload, so this only ever says `true`; the initial value comes in initializationOptions.trusted).
 */
export const TrustChangedNotification = { method: 'rubato/trustChanged' } as const;
export interface TrustChangedParams {
  trusted: boolean;
}
export function checkTrustChangedParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  if (typeof x.trusted !== 'boolean') return 'trusted must be a boolean';
  return null;
}
