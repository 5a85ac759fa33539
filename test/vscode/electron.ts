// `npm run test:vscode:electron`: the same mocha suite through @vscode/test-electron, which downloads a
// desktop VS Code build — for contributors with internet. CI and offline machines use `npm run test:vscode`
// (code-server), which runs the identical suite in the same extension-host contract.

import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '../..');

runTests({
  extensionDevelopmentPath: repoRoot,
  extensionTestsPath: path.join(repoRoot, 'dist-test/vscode/index.js'),
  launchArgs: ['--disable-extensions'],
}).catch((err: unknown) => {
  console.error(`test:vscode:electron: ${err instanceof Error ? err.message : String(err)} (needs internet to download VS Code; offline, use npm run test:vscode)`);
  process.exit(1);
});
