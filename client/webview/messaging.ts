// Typed, validated messaging with one webview. Every message in is checked with the panel's protocol
// validator; an invalid one is logged and dropped, never cast. Messages out are checked too (a host
// bug then shows in the log instead of as a confused view). No vscode import: the webview's
// postMessage / onDidReceiveMessage are passed in, so the relay is unit-tested.

export interface Disposable {
  dispose(): void;
}

export interface RelayOptions<In, Out> {
  /** Panel name for log lines. */
  name: string;
  checkIncoming: (x: unknown) => string | null;
  checkOutgoing: (x: unknown) => string | null;
  send: (msg: Out) => PromiseLike<boolean>;
  subscribe: (listener: (raw: unknown) => void) => Disposable;
  onMessage: (msg: In) => void | Promise<void>;
  log: (line: string) => void;
}

export interface Relay<Out> extends Disposable {
  /** Resolves false when the message was invalid or the view is gone. */
  post(msg: Out): Promise<boolean>;
}

export function createRelay<In, Out>(o: RelayOptions<In, Out>): Relay<Out> {
  let disposed = false;
  const subscription = o.subscribe((raw) => {
    if (disposed) return;
    const problem = o.checkIncoming(raw);
    if (problem) {
      o.log(`[${o.name}] dropped an invalid message from the view: ${problem}`);
      return;
    }
    Promise.resolve()
      .then(() => o.onMessage(raw as In))
      .catch((err: unknown) => o.log(`[${o.name}] handling ${describeKind(raw)} failed: ${err instanceof Error ? err.message : String(err)}`));
  });
  return {
    async post(msg: Out): Promise<boolean> {
      if (disposed) return false;
      const problem = o.checkOutgoing(msg);
      if (problem) {
        o.log(`[${o.name}] refused to send an invalid ${describeKind(msg)} message: ${problem}`);
        return false;
      }
      try {
        return await o.send(msg);
      } catch (err) {
        o.log(`[${o.name}] posting ${describeKind(msg)} failed: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    },
    dispose(): void {
      disposed = true;
      subscription.dispose();
    },
  };
}

function describeKind(x: unknown): string {
  const kind = typeof x === 'object' && x !== null ? (x as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? `'${kind}'` : 'a';
}
