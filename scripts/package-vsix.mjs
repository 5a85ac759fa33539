// `npm run package`: a platform-specific .vsix (linux-x64 by default, `--target <t>` for another
// platform whose onnxruntime binaries are installed) that installs and runs offline. vsce runs the
// `vscode:prepublish` production build; .vscodeignore is an allow-list; this script then opens the
// .vsix and fails loudly if a needed file is missing or another platform's binaries slipped in, and
// (for linux-x64 on linux-x64) humanizes a MIDI with the CLI unpacked from the .vsix as a smoke test.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const target = arg('--target', 'linux-x64');
const [platform, arch] = target.split('-');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(root, arg('--out', `${pkg.name}-${target}-${pkg.version}.vsix`));

function fail(message) {
  console.error(`package-vsix: ${message}`);
  process.exit(1);
}

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
if (!existsSync(vsce)) fail('@vscode/vsce is not installed (it is a devDependency: run `npm install` with network access once).');
const binDir = path.join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', platform, arch);
if (!existsSync(binDir)) fail(`onnxruntime-node has no binaries for ${target} (${binDir})`);
for (const f of ['models/performancenet.onnx', 'server/runspec/template.run.toml', 'media/rubato.svg', 'media/soundfont/piano.sf2']) {
  if (!existsSync(path.join(root, f))) fail(`${f} is missing`);
}

// --no-rewrite-relative-links: README links stay relative (no repository URL to point them at).
execFileSync(process.execPath, [vsce, 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'], { cwd: root, stdio: 'inherit' });

// ---- check what went in
const entries = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter(Boolean);
const has = (p) => entries.includes(`extension/${p}`);
const required = [
  'package.json',
  'dist/extension.js',
  'dist/server.js',
  'dist/cli.js',
  // Run from beside server.js: the exit-recording shim of every supervised run, and the datasets worker thread.
  'dist/runShim.js',
  'dist/datasetsWorker.js',
  'dist/webviews/pianoRoll.js',
  'dist/webviews/lossCurves.js',
  'dist/webviews/evalViewer.js',
  'media/rubato.svg',
  // The piano roll's playback SoundFont and its licence (MIT: the notice travels with the file).
  'media/soundfont/piano.sf2',
  'media/soundfont/README.md',
  'models/performancenet.onnx',
  'native/rubato_native/__init__.py',
  'native/rubato_native/train.py',
  'native/rubato_native/export.py',
  'native/rubato_native/onnx_export.py',
  'server/runspec/template.run.toml',
  'node_modules/onnxruntime-node/package.json',
  'node_modules/onnxruntime-node/dist/index.js',
  'node_modules/onnxruntime-common/dist/cjs/index.js',
  'node_modules/onnxruntime-common/dist/cjs/package.json',
  ...execFileSync('ls', [binDir], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => `node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/${f}`),
];
const missing = required.filter((p) => !has(p));
if (missing.length) fail(`the .vsix lacks:\n  ${missing.join('\n  ')}`);
const foreign = entries.filter((e) => {
  const m = /node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//.exec(e);
  return m && `${m[1]}-${m[2]}` !== target;
});
const stray = entries.filter((e) => /\.map$|\.ts$|^extension\/(test|bench|webviews|client)\//.test(e) || (/^extension\/node_modules\//.test(e) && !/^extension\/node_modules\/onnxruntime-(node|common)\//.test(e)));
if (foreign.length || stray.length) fail(`the .vsix holds files it must not:\n  ${[...foreign, ...stray].slice(0, 20).join('\n  ')}`);
const manifest = execFileSync('unzip', ['-p', out, 'extension.vsixmanifest'], { encoding: 'utf8' });
if (!manifest.includes(`TargetPlatform="${target}"`)) fail(`extension.vsixmanifest does not declare TargetPlatform="${target}"`);

// ---- smoke test: the CLI from the unpacked .vsix humanizes with the bundled model (onnxruntime loads)
if (target === `${process.platform}-${process.arch}` && !process.argv.includes('--no-smoke')) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rubato-vsix-'));
  try {
    execFileSync('unzip', ['-q', out, '-d', tmp]);
    const input = path.join(tmp, 'score.mid');
    execFileSync('cp', [path.join(root, 'examples', 'minuet-g-major.mid'), input]);
    const res = JSON.parse(execFileSync(process.execPath, [path.join(tmp, 'extension', 'dist', 'cli.js'), 'humanize', input, '--json'], { encoding: 'utf8', cwd: tmp }));
    if (!existsSync(path.join(tmp, 'score.humanized.mid'))) fail('smoke test: the unpacked CLI did not write score.humanized.mid');
    console.log(`package-vsix: smoke test ok: the unpacked CLI humanized ${res.notes ?? '?'} notes (method ${res.method ?? '?'})`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const sizeMiB = (statSync(out).size / 1024 / 1024).toFixed(1);
console.log(`package-vsix: ${path.relative(root, out)} (${target}, ${entries.length} files, ${sizeMiB} MiB) checked: dist, webviews, media, models, native, onnxruntime for ${target} only.`);
