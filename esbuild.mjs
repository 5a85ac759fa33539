// Bundles the four entry points (extension client, server, CLI, webviews) into dist/.
// A failed build exits non-zero so CI and `npm install` stop loudly.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

/** Node-side bundles. `vscode` is provided by the editor; onnxruntime-node ships native code. */
const nodeBuilds = [
  { entryPoints: { extension: 'client/extension.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'server/main.ts' }, external: ['onnxruntime-node'] },
  { entryPoints: { cli: 'server/cli/main.ts' }, external: ['onnxruntime-node'], banner: { js: '#!/usr/bin/env node' } },
  // The exit-recording shim every supervised run is started through (server/runs/launch.ts finds it beside the bundle).
  { entryPoints: { runShim: 'server/runs/runShim.ts' } },
  // The datasets worker thread (server/datasets/workerClient.ts finds it beside the server and CLI bundles).
  { entryPoints: { datasetsWorker: 'server/datasets/datasetsWorker.ts' } },
].map((b) => ({ ...common, ...b, platform: 'node', target: 'node20', format: 'cjs', outdir: 'dist' }));

/** Browser bundles, one per webview entry file (webviews/<name>/main.ts). */
const webviewEntries = Object.fromEntries(
  (existsSync('webviews') ? readdirSync('webviews', { withFileTypes: true }) : [])
    .filter((d) => d.isDirectory() && existsSync(path.join('webviews', d.name, 'main.ts')))
    .map((d) => [d.name, path.join('webviews', d.name, 'main.ts')]),
);
const browserBuilds = Object.keys(webviewEntries).length
  ? [{ ...common, entryPoints: webviewEntries, platform: 'browser', target: 'es2022', format: 'iife', outdir: 'dist/webviews' }]
  : [];

try {
  const all = [...nodeBuilds, ...browserBuilds];
  if (watch) {
    const contexts = await Promise.all(all.map((o) => esbuild.context(o)));
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(all.map((o) => esbuild.build(o)));
    // `npx rubato` executes the bin directly: it must be executable on a fresh clone.
    chmodSync('dist/cli.js', 0o755);
  }
} catch (err) {
  console.error('esbuild: build failed:', err instanceof Error ? err.message : err);
  process.exit(1);
}
