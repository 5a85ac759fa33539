// Runs inside the real extension host (code-server's Node extension host) against the real server.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'rubato.rubato';

export function defineSuites(): void {
  suite('activation', () => {
    test('the extension activates and registers its commands', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is loaded as a development extension`);
      await ext.activate();
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['rubato.humanizeFile', 'rubato.startRun']) assert.ok(commands.includes(c), `${c} is registered`);
    });
  });
}
