// Server health for the status bar (`rubato/status`): each part of the server reports its own condition
// under a key; the worst wins. Sent only when something changed, so a busy run does not flood the client.

import type { Connection } from 'vscode-languageserver';
import { StatusNotification, type Health, type StatusParams } from '../protocol';

export interface PartStatus {
  health: Health;
  message: string;
  busy: boolean;
}

const RANK: Record<Health, number> = { ok: 0, warning: 1, error: 2 };

export function combineStatus(parts: Iterable<PartStatus>, trusted: boolean): StatusParams {
  let health: Health = 'ok';
  const messages: string[] = [];
  let busy = false;
  for (const p of parts) {
    busy ||= p.busy;
    if (p.health !== 'ok') messages.push(p.message);
    if (RANK[p.health] > RANK[health]) health = p.health;
  }
  return { health, message: messages.join('; '), busy, trusted };
}

export class StatusReporter {
  private readonly parts = new Map<string, PartStatus>();
  private last = '';

  constructor(
    private readonly send: (p: StatusParams) => void,
    private trusted: () => boolean,
  ) {}

  static forConnection(connection: Connection, trusted: () => boolean): StatusReporter {
    return new StatusReporter((p) => void connection.sendNotification(StatusNotification.method, p).catch(() => undefined), trusted);
  }

  report(key: string, status: PartStatus): void {
    this.parts.set(key, status);
    this.flush();
  }

  clear(key: string): void {
    this.parts.delete(key);
    this.flush();
  }

  current(): StatusParams {
    return combineStatus(this.parts.values(), this.trusted());
  }

  /** Sends the combined status if it differs from the last one sent. */
  flush(): void {
    const now = this.current();
    const key = JSON.stringify(now);
    if (key === this.last) return;
    this.last = key;
    this.send(now);
  }
}
