// The on-disk layout of a cache folder: deciding whether a folder may be written, item folder names, and cleanup.
//
// Invariant: nothing the user made is ever overwritten or deleted. A folder is written only when it is empty or holds
// our manifest; cleanup removes only entries whose names only the builder produces (item folders
// `items/<safe id>-<16 hex>` and `*.tmp-<pid>-<hex>` leftovers), never anything else.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { TEMP_MARK } from './atomic';
import { hasManifestMarker, MANIFEST_FILE, readManifest, type Manifest } from './manifest';

export const ITEMS_DIR = 'items';
export const LOCK_FILE = '.rubato-build.lock';
export const HASH_CACHE_FILE = '.rubato-hash-cache.json';

const ITEM_DIR_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*-[0-9a-f]{16}$/;
const TEMP_RE = new RegExp(`${TEMP_MARK.replace(/[.]/g, '\\.')}\\d+-[0-9a-f]{8}$`);

/** What a cache folder held when the build started: the previous manifest, or none for a fresh folder. */
export interface OpenedCache {
  outDir: string;
  previous: Manifest | undefined;
}

/**
 * Checks that `outDir` is ours to write (creating it when missing) and reads its manifest. Refuses a file, and a
 * non-empty folder without our manifest; a manifest that is corrupt or of another version is an error naming it.
 */
export function openCacheDir(outDir: string): OpenedCache {
  const abs = path.resolve(outDir);
  if (!existsSync(abs)) {
    mkdirSync(abs, { recursive: true });
    return { outDir: abs, previous: undefined };
  }
  if (!statSync(abs).isDirectory()) throw new Error(`${abs}: the dataset output path exists and is not a folder`);
  const manifestPath = path.join(abs, MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    let marked = false;
    try {
      marked = hasManifestMarker(JSON.parse(readFileSync(manifestPath, 'utf8')));
    } catch {
      marked = false;
    }
    if (!marked) {
      throw new Error(`${abs}: not a Rubato dataset cache (${MANIFEST_FILE} has no "format": "rubato-dataset" marker); refusing to write into it — choose an empty or new folder`);
    }
    return { outDir: abs, previous: readManifest(manifestPath) };
  }
  const entries = readdirSync(abs);
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new Error(`${abs}: folder is not empty (${shown}) and is not a Rubato dataset cache; refusing to write into it — choose an empty or new folder`);
  }
  return { outDir: abs, previous: undefined };
}

/** A file-system-safe, readable and unique folder name for one version (key) of one item. */
export function itemDirName(id: string, key: string): string {
  let safe = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9_]+/, '').slice(0, 80);
  if (safe.length === 0) safe = 'item';
  // The suffix hashes id and key: sanitising can map two ids to one name, and a new key must get a new folder so a
  // rebuilt item never overwrites files the current manifest points to.
  const suffix = createHash('sha256').update(`${id}\0${key}`).digest('hex').slice(0, 16);
  return `${safe}-${suffix}`;
}

export function isItemDirName(name: string): boolean {
  return ITEM_DIR_RE.test(name);
}

export function isTempName(name: string): boolean {
  return TEMP_RE.test(name);
}

/**
 * Removes item folders not in `keepDirs` (relative paths like `items/x-0123456789abcdef`) and leftover temporary
 * files/folders of killed builds. Returns the relative paths removed.
 */
export function removeStale(outDir: string, keepDirs: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  const itemsAbs = path.join(outDir, ITEMS_DIR);
  if (existsSync(itemsAbs)) {
    for (const ent of readdirSync(itemsAbs, { withFileTypes: true })) {
      const rel = `${ITEMS_DIR}/${ent.name}`;
      const ours = (ent.isDirectory() && (isItemDirName(ent.name) || isTempName(ent.name))) || (ent.isFile() && isTempName(ent.name));
      if (!ours || keepDirs.has(rel)) continue;
      rmSync(path.join(itemsAbs, ent.name), { recursive: true, force: true });
      removed.push(rel);
    }
  }
  for (const ent of readdirSync(outDir, { withFileTypes: true })) {
    const ownTemp = ent.name.startsWith(`${MANIFEST_FILE}${TEMP_MARK}`) || ent.name.startsWith(`${HASH_CACHE_FILE}${TEMP_MARK}`);
    if (ent.isFile() && ownTemp && isTempName(ent.name)) {
      rmSync(path.join(outDir, ent.name), { force: true });
      removed.push(ent.name);
    }
  }
  return removed;
}
