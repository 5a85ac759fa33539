// Server health as the status bar shows it: the last `rubato/status` notification plus the client's own
// view of trust and whether the server started. Pure.

import type { StatusParams } from '../../server/protocol';
import { Signal } from '../tree/signal';

export interface HealthView {
  text: string;
  tooltip: string;
  background: 'error' | 'warning' | null;
}

export class HealthModel {
  status: StatusParams | null = null;
  /** Set when the server process could not start or stopped. */
  serverError: string | null = null;
  /** The server answered `initialize` (before its first status it counts as ok and idle). */
  started = false;
  trusted: boolean;
  readonly changed = new Signal<void>();

  constructor(trusted: boolean) {
    this.trusted = trusted;
  }

  update(patch: Partial<Pick<HealthModel, 'status' | 'serverError' | 'trusted' | 'started'>>): void {
    Object.assign(this, patch);
    this.changed.fire();
  }

  view(): HealthView {
    if (this.serverError) return { text: '$(error) Rubato', tooltip: `Rubato server: ${this.serverError}`, background: 'error' };
    const untrusted = !this.trusted || this.status?.trusted === false;
    const prefix = untrusted ? '$(shield) ' : '';
    const trustLine = untrusted ? '\n\nRestricted Mode: run specs are checked, but nothing is run until you trust this workspace.' : '';
    const s = this.status ?? (this.started ? { health: 'ok' as const, message: '', busy: false, trusted: this.trusted } : null);
    if (!s) return { text: `${prefix}$(loading~spin) Rubato`, tooltip: `Rubato server: starting…${trustLine}`, background: null };
    const icon = s.health === 'error' ? '$(error)' : s.health === 'warning' ? '$(warning)' : s.busy ? '$(loading~spin)' : '$(check)';
    const what = s.message || (s.busy ? 'working' : 'ready');
    return {
      text: `${prefix}${icon} Rubato`,
      tooltip: `Rubato server: ${s.health} — ${what}${trustLine}`,
      background: s.health === 'ok' ? null : s.health,
    };
  }
}
