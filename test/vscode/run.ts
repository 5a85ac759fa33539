// `npm run test:vscode`: the extension in a real VS Code workbench (code-server) driven by headless
// Chromium. Two passes on one workbench server:
//   1. the mocha suite (test/vscode/suite/) inside the Node extension host, as @vscode/test-electron does;
//   2. UI journeys through the DOM (test/vscode/journeys.ts), with screenshots kept in test-results/vscode/.
// @vscode/test-electron cannot download VS Code here; `npm run test:vscode:electron` keeps it wired for
// contributors with internet. Usage: node --import tsx test/vscode/run.ts [--keep] [--only suite|ui]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { codeServerEntry, startCodeServer } from './codeServer';
import { CHROMIUM, openWorkbench } from './workbench';
import { makeWorkspace } from './workspace';
import { runJourneys } from './journeys';

const repoRoot = path.resolve(__dirname, '../..');
const keep = process.argv.includes('--keep');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const artifacts = path.join(repoRoot, 'test-results', 'vscode');

function findPython(): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/find-python.ts')], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`no Python with torch for the training journey: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

async function main(): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    console.error(`test:vscode: ${CHROMIUM} not found (apt install chromium); .ci/run installs it`);
    return 1;
  }
  if (!existsSync(codeServerEntry(repoRoot))) {
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts/vscode-e2e/install-code-server.sh')], { stdio: 'inherit' });
    if (r.status !== 0) return 1;
  }
  if (!existsSync(path.join(repoRoot, 'dist/extension.js'))) {
    console.error('test:vscode: dist/ is missing: run `npm run build` first');
    return 1;
  }
  // The suite runs inside the extension host, which loads plain CommonJS: bundle it (vscode and mocha stay external).
  await esbuild.build({
    entryPoints: { index: path.join(repoRoot, 'test/vscode/suite/index.ts') },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: path.join(repoRoot, 'dist-test/vscode'),
    external: ['vscode', 'mocha'],
    sourcemap: true,
    logLevel: 'warning',
  });

  if (process.argv.includes('--build-only')) return 0;
  const python = findPython();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rubato-vscode-'));
  const workspace = path.join(scratch, 'workspace');
  const stateDir = path.join(scratch, 'state');
  mkdirSync(artifacts, { recursive: true });
  const ws = makeWorkspace(repoRoot, workspace, python);
  const corpus = path.resolve(repoRoot, '..', 'shared', 'data', 'asap');
  const hasCorpus = existsSync(corpus);
  const server = await startCodeServer({
    repoRoot,
    scratch,
    workspace,
    settings: { 'rubato.pythonPath': python, 'rubato.datasetRoots': [workspace] },
    env: { RUBATO_STATE_DIR: stateDir, RUBATO_E2E: '1', RUBATO_E2E_WORKSPACE: workspace, RUBATO_E2E_SPEC: ws.specPath, RUBATO_E2E_MIDI: ws.midPath, ...(hasCorpus ? { RUBATO_ASAP_DIR: corpus } : {}) },
  });
  console.log(`test:vscode: code-server ${server.url} (pid ${server.pid}), workspace ${workspace}`);
  let failures = 0;
  try {
    if (!only || only === 'suite') {
      console.log('test:vscode: mocha suite in the extension host');
      const wb = await openWorkbench({ baseUrl: server.url, folder: workspace, devPath: repoRoot, testsPath: path.join(repoRoot, 'dist-test/vscode/index.js'), echo: true });
      const code = await Promise.race([wb.exited, new Promise<number>((r) => setTimeout(() => r(124), 600_000))]);
      await wb.page.screenshot({ path: path.join(artifacts, 'suite-end.png') }).catch(() => undefined);
      await wb.close();
      console.log(`test:vscode: suite exit code ${code}${code === 124 ? ' (timed out)' : ''}`);
      if (code !== 0) failures++;
    }
    if (!only || only === 'ui') {
      console.log('test:vscode: UI journeys');
      const wb = await openWorkbench({ baseUrl: server.url, folder: workspace, devPath: repoRoot });
      try {
        failures += await runJourneys(wb.page, { artifacts, workspace, specPath: ws.specPath, midPath: ws.midPath, corpus: hasCorpus ? corpus : null });
      } finally {
        for (const l of wb.logs.filter((x) => x.startsWith('[pageerror]'))) console.log(`    ${l}`);
        await wb.close();
      }
    }
  } finally {
    await server.stop();
  }
  if (!only || only === 'vsix') failures += await vsixPass(scratch, workspace, stateDir, { hasCorpus, corpus, python, ws });
  if (failures && existsSync(server.logPath)) console.log(`test:vscode: code-server log kept at ${server.logPath}`);
  if (!keep && !failures) rmSync(scratch, { recursive: true, force: true });
  else console.log(`test:vscode: scratch kept at ${scratch}`);
  console.log(`test:vscode: ${failures === 0 ? 'passed' : `${failures} failure(s)`}; screenshots in ${path.relative(repoRoot, artifacts)}/`);
  return failures === 0 ? 0 : 1;
}

/**
 * Pass 3: the packaged extension. `npm run package` builds the platform .vsix, a fresh code-server installs
 * it (no development path), and the main journeys run against the installed copy.
 */
async function vsixPass(scratch: string, workspace: string, stateDir: string, x: { hasCorpus: boolean; corpus: string; python: string; ws: { specPath: string; midPath: string } }): Promise<number> {
  console.log('test:vscode: the packaged .vsix in a clean code-server');
  const vsix = path.join(scratch, 'rubato.vsix');
  const pack = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/package-vsix.mjs'), '--out', vsix], { encoding: 'utf8' });
  if (pack.status !== 0) {
    console.log(`    ✘ npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
    return 1;
  }
  // The package build is a production (minified) build: put the development build back for the other passes.
  spawnSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'ignore' });
  const server = await startCodeServer({
    repoRoot,
    scratch: path.join(scratch, 'vsix'),
    workspace,
    installVsix: vsix,
    settings: { 'rubato.pythonPath': x.python, 'rubato.datasetRoots': [workspace] },
    env: { RUBATO_STATE_DIR: stateDir, ...(x.hasCorpus ? { RUBATO_ASAP_DIR: x.corpus } : {}) },
  });
  try {
    const wb = await openWorkbench({ baseUrl: server.url, folder: workspace });
    try {
      return await runJourneys(wb.page, { artifacts, workspace, specPath: x.ws.specPath, midPath: x.ws.midPath, corpus: x.hasCorpus ? x.corpus : null, shotPrefix: 'vsix-' }, ['runs view', 'piano roll', 'eval viewer']);
    } finally {
      await wb.close();
    }
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:vscode: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
