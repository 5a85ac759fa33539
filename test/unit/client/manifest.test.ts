// The manifest and the client agree: every contributed command is registered, and vice versa;
// every contributed grammar and language file exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus?: Record<string, { command: string }[]>; languages?: { configuration?: string }[]; grammars?: { path: string }[] };
};

test('contributed commands are exactly the ones the client registers', () => {
  const source = readFileSync(path.join(root, 'client/extension.ts'), 'utf8');
  const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]!).sort();
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(contributed, registered);
  for (const items of Object.values(manifest.contributes.menus ?? {})) {
    for (const item of items) assert.ok(contributed.includes(item.command), `menu item ${item.command} is a contributed command`);
  }
});

test('grammar and language configuration files exist', () => {
  for (const g of manifest.contributes.grammars ?? []) assert.ok(existsSync(path.join(root, g.path)), g.path);
  for (const l of manifest.contributes.languages ?? []) if (l.configuration) assert.ok(existsSync(path.join(root, l.configuration)), l.configuration);
});
