// A small corpus for corpus-level tests: links to a few ASAP score folders (read in place, never copied).

import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const asapDir = path.resolve(repoRoot, '../shared/data/asap');

/** Three short pieces, 12 performances: Baroque, Classical and Romantic, one with a pickup bar. */
export const SMALL_CORPUS = ['Bach/Prelude/bwv_848', 'Chopin/Etudes_op_10/3', 'Haydn/Keyboard_Sonatas/39-1'];

/** A temp folder in the ASAP layout whose score folders are symbolic links into the shared corpus; null when absent. */
export function smallCorpus(ids: readonly string[] = SMALL_CORPUS): string | null {
  if (!ids.every((id) => existsSync(path.join(asapDir, id, 'midi_score.mid')))) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-corpus-'));
  for (const id of ids) {
    const target = path.join(dir, id);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(path.join(asapDir, id), target);
  }
  return dir;
}
