// Small shared UI helpers: one way to show an error from any command.

import * as vscode from 'vscode';

export function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  void vscode.window.showErrorMessage(`Rubato: ${message}`);
}
