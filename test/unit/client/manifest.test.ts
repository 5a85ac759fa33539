// The manifest and the client agree: the command table (client/commands.ts) is exactly what package.json
// contributes, every command is in category Rubato, menus and welcome links name existing commands, every
// view has welcome content or is always populated, view containers, icons, grammars and custom editors exist.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS, TEST_STATE_COMMAND, type CommandSpec } from '../../../client/commands';

const root = path.resolve(__dirname, '../../..');

interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string } };
  contributes: {
    commands: { command: string; title: string; category?: string; enablement?: string; icon?: string }[];
    menus?: Record<string, { command: string; when?: string }[]>;
    viewsContainers?: Record<string, { id: string; icon: string }[]>;
    views?: Record<string, { id: string; type?: string }[]>;
    viewsWelcome?: { view: string; contents: string }[];
    customEditors?: { viewType: string; selector: { filenamePattern: string }[] }[];
    configuration: { properties: Record<string, { default?: unknown }> };
    languages?: { configuration?: string }[];
    grammars?: { path: string }[];
  };
}
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.commands;
const ids = new Set(contributed.map((c) => c.command));

test('contributed commands are exactly the command table, with its titles, in category Rubato', () => {
  assert.deepEqual([...ids].sort(), Object.keys(COMMANDS).sort());
  for (const c of contributed) {
    const spec = COMMANDS[c.command as keyof typeof COMMANDS];
    assert.equal(c.title, spec.title, c.command);
    assert.equal(c.category, 'Rubato', `${c.command} is in category Rubato`);
    assert.equal(c.enablement === 'isWorkspaceTrusted', 'trusted' in spec && spec.trusted === true, `${c.command}: enablement follows the table's trusted flag`);
  }
  assert.ok(!ids.has(TEST_STATE_COMMAND), 'the e2e state command is never contributed');
});

test('the palette hides exactly the commands the table marks as not for the palette', () => {
  const palette = manifest.contributes.menus?.commandPalette ?? [];
  for (const [id, spec] of Object.entries(COMMANDS) as [string, CommandSpec][]) {
    const entry = palette.find((p) => p.command === id);
    if (spec.palette === 'always') assert.equal(entry, undefined, `${id} is always in the palette`);
    else assert.equal(entry?.when, spec.palette === 'never' ? 'false' : spec.palette, `${id} palette when`);
  }
});

test('menus and welcome links name contributed commands; item menus match context values the trees set', () => {
  for (const [menu, items] of Object.entries(manifest.contributes.menus ?? {})) {
    for (const item of items) assert.ok(ids.has(item.command), `${menu}: ${item.command} is a contributed command`);
  }
  for (const w of manifest.contributes.viewsWelcome ?? []) {
    for (const m of w.contents.matchAll(/\(command:([\w.]+)/g)) {
      const id = m[1]!;
      assert.ok(ids.has(id) || id.startsWith('workbench.'), `welcome of ${w.view} links ${id}`);
    }
  }
  // Context values are written in the projections; each item-menu regex must match one of them.
  const sources = ['client/runs/runNodes.ts', 'client/checkpoints/checkpointNodes.ts', 'client/datasets/datasetNodes.ts'].map((f) => readFileSync(path.join(root, f), 'utf8')).join('\n');
  const states = ['queued', 'starting', 'running', 'stopping', 'finished', 'failed', 'stopped'];
  const values = [...states.map((s) => `rubato.run.${s}`), ...[...sources.matchAll(/'(rubato\.[A-Za-z.]+)'/g)].map((m) => m[1]!)];
  for (const item of manifest.contributes.menus?.['view/item/context'] ?? []) {
    const re = /viewItem =~ \/(.+)\/$/.exec(item.when ?? '');
    assert.ok(re, `${item.command} item menu has a viewItem regex`);
    assert.ok(values.some((v) => new RegExp(re[1]!).test(v)), `${item.command}: ${re[1]} matches a context value the trees set`);
  }
});

test('every tree view has welcome content; views live in contributed containers with existing icons', () => {
  const containers = Object.values(manifest.contributes.viewsContainers ?? {}).flat();
  for (const c of containers) assert.ok(existsSync(path.join(root, c.icon)), c.icon);
  const containerIds = new Set(containers.map((c) => c.id));
  const welcomed = new Set((manifest.contributes.viewsWelcome ?? []).map((w) => w.view));
  const allViews = Object.entries(manifest.contributes.views ?? {});
  for (const [container, views] of allViews) {
    assert.ok(containerIds.has(container) || container === 'explorer', `container ${container} is contributed`);
    for (const v of views) if (v.type !== 'webview') assert.ok(welcomed.has(v.id), `${v.id} has welcome content`);
  }
  const viewIds = allViews.flatMap(([, vs]) => vs.map((v) => v.id));
  for (const id of ['rubato.runs', 'rubato.checkpoints', 'rubato.datasets', 'rubato.lossCurves']) assert.ok(viewIds.includes(id), id);
});

test('the piano roll edits .mid/.midi, the eval viewer activates its serializer, trust is limited', () => {
  const ed = manifest.contributes.customEditors?.find((e) => e.viewType === 'rubato.pianoRoll');
  assert.deepEqual(ed?.selector.map((s) => s.filenamePattern).sort(), ['*.mid', '*.midi']);
  assert.ok(manifest.activationEvents.includes('onWebviewPanel:rubato.evalViewer'));
  assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
  for (const key of ['rubato.datasetRoots', 'rubato.defaultModel', 'rubato.runs.maxGpuRuns', 'rubato.runs.stopGraceSeconds', 'rubato.pythonPath', 'rubato.gpuMemoryGiB']) {
    assert.ok(key in manifest.contributes.configuration.properties, `setting ${key}`);
  }
});

test('grammar and language configuration files exist', () => {
  for (const g of manifest.contributes.grammars ?? []) assert.ok(existsSync(path.join(root, g.path)), g.path);
  for (const l of manifest.contributes.languages ?? []) if (l.configuration) assert.ok(existsSync(path.join(root, l.configuration)), l.configuration);
});
