// Runs every test: the TypeScript tests under test/ (through tsx, with Node's test runner), then the
// Python tests under native/tests (pytest, with an interpreter that imports torch).
// Node 20's `--test` does not expand globs or pick up .ts files, so we list them here.
// Usage: node scripts/run-tests.mjs [substring …]   (only test files whose path contains one)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const filter = process.argv.slice(2);
const wanted = (f) => filter.length === 0 || filter.some((s) => f.includes(s));

function walk(dir, match) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      // test/vscode runs inside VS Code (npm run test:vscode), not under Node's test runner.
      if (name === 'fixtures' || name === 'integration' || name === '__pycache__' || p === path.join('test', 'vscode')) continue;
      out.push(...walk(p, match));
    } else if (match(name)) out.push(p);
  }
  return out;
}

const tsFiles = walk('test', (n) => n.endsWith('.test.ts')).filter(wanted);
const pyFiles = walk(path.join('native', 'tests'), (n) => /^test_.*\.py$/.test(n)).filter(wanted);
if (tsFiles.length + pyFiles.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

let status = 0;
if (tsFiles.length) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...tsFiles], { stdio: 'inherit' });
  status = r.status ?? 1;
}

if (pyFiles.length) {
  const found = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/find-python.ts'], { encoding: 'utf8' });
  const python = found.stdout.trim();
  if (found.status !== 0 || !python) {
    console.log(`\nrun-tests: skipping ${pyFiles.length} Python test file(s): ${found.stderr.trim()}`);
  } else {
    console.log(`\nrun-tests: Python tests with ${python}`);
    const env = { ...process.env, PYTHONPATH: path.resolve('native'), PYTHONDONTWRITEBYTECODE: '1' };
    const r = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...pyFiles], { stdio: 'inherit', env });
    if ((r.status ?? 1) !== 0) status = status || r.status || 1;
  }
}
process.exit(status);
