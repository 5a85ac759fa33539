// Mocha runner loaded by the extension host (extensionTestsPath): the same contract as
// @vscode/test-electron's generated index — export run(): Promise<void>. The suite is bundled into one
// file, so the tdd globals (suite, test, …) are installed first and the suites defined after.

import Mocha from 'mocha';
import { defineSuites } from './extension.test';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 180_000 });
  mocha.suite.emit('pre-require', globalThis, 'rubato-e2e', mocha);
  defineSuites();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
