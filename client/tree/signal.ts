// A minimal change signal for client models (vscode.EventEmitter would tie the models to the editor).

export interface Unsubscribe {
  dispose(): void;
}

export class Signal<T = void> {
  private listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
}
