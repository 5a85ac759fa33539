// Walks an ASAP-layout corpus folder into score folders and their performances (no file is parsed here).

import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export interface PerformanceEntry {
  /** File stem, e.g. `Shi05M` for `Shi05M.mid`. */
  name: string;
  midiPath: string;
  annotationsPath?: string;
  /** `<name>.match.gz`, the (n)ASAP note alignment, when present. */
  matchPath?: string;
}

export interface ScoreFolder {
  /** Path relative to the data folder, '/'-separated, e.g. `Bach/Fugue/bwv_846`. */
  id: string;
  /** `pieceGroup(id)`: folders that must land in the same train/val/test split. */
  group: string;
  scorePath: string;
  scoreAnnotationsPath?: string;
  /** Sorted by name. */
  performances: PerformanceEntry[];
}

export interface CorpusListing {
  dataDir: string;
  /** Sorted by id. */
  folders: ScoreFolder[];
  /** Problems found while walking (unreadable folders, missing files); the walk never throws for them. */
  errors: string[];
}

const SCORE_MIDI = 'midi_score.mid';
const SCORE_ANNOTATIONS = 'midi_score_annotations.txt';

/** Lists every score folder (a folder holding `midi_score.mid`) below `dataDir`. */
export function listCorpus(dataDir: string): CorpusListing {
  const root = path.resolve(dataDir);
  const folders: ScoreFolder[] = [];
  const errors: string[] = [];
  let rootOk = false;
  try {
    rootOk = statSync(root).isDirectory();
  } catch {
    rootOk = false;
  }
  if (!rootOk) return { dataDir: root, folders, errors: [`${root}: corpus folder not found or not a directory`] };
  walk(root, root, folders, errors, new Set());
  folders.sort((a, b) => compareStrings(a.id, b.id));
  return { dataDir: root, folders, errors };
}

/** `seen` holds the real paths already walked: a symbolic link back up the tree must not loop forever. */
function walk(root: string, dir: string, folders: ScoreFolder[], errors: string[], seen: Set<string>): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (e) {
    errors.push(`${dir}: cannot resolve folder (${(e as Error).message})`);
    return;
  }
  if (seen.has(real)) {
    errors.push(`${dir}: skipped, a link to a folder already walked (${real})`);
    return;
  }
  seen.add(real);
  let names: string[];
  try {
    names = readdirSync(dir).sort(compareStrings);
  } catch (e) {
    errors.push(`${dir}: cannot read folder (${(e as Error).message})`);
    return;
  }
  const files = new Set<string>();
  const subdirs: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = path.join(dir, name);
    try {
      const st = statSync(p);
      if (st.isDirectory()) subdirs.push(p);
      else if (st.isFile()) files.add(name);
    } catch (e) {
      errors.push(`${p}: cannot stat (${(e as Error).message})`);
    }
  }
  if (files.has(SCORE_MIDI)) folders.push(scoreFolder(root, dir, files, errors));
  for (const sub of subdirs) walk(root, sub, folders, errors, seen);
}

function scoreFolder(root: string, dir: string, files: Set<string>, errors: string[]): ScoreFolder {
  const id = path.relative(root, dir).split(path.sep).join('/');
  const performances: PerformanceEntry[] = [];
  for (const file of [...files].sort(compareStrings)) {
    if (file === SCORE_MIDI || !/\.midi?$/i.test(file)) continue;
    const name = file.replace(/\.midi?$/i, '');
    const perf: PerformanceEntry = { name, midiPath: path.join(dir, file) };
    if (files.has(`${name}_annotations.txt`)) perf.annotationsPath = path.join(dir, `${name}_annotations.txt`);
    if (files.has(`${name}.match.gz`)) perf.matchPath = path.join(dir, `${name}.match.gz`);
    if (!perf.annotationsPath && !perf.matchPath) {
      errors.push(`${perf.midiPath}: performance has neither ${name}.match.gz nor ${name}_annotations.txt, so it cannot be aligned`);
    }
    performances.push(perf);
  }
  for (const file of files) {
    const stem = file.endsWith('.match.gz') ? file.slice(0, -'.match.gz'.length) : undefined;
    if (stem !== undefined && !files.has(`${stem}.mid`) && !files.has(`${stem}.midi`)) {
      errors.push(`${path.join(dir, file)}: match file without its performance MIDI ${stem}.mid`);
    }
  }
  const folder: ScoreFolder = { id, group: pieceGroup(id), scorePath: path.join(dir, SCORE_MIDI), performances };
  if (files.has(SCORE_ANNOTATIONS)) folder.scoreAnnotationsPath = path.join(dir, SCORE_ANNOTATIONS);
  return folder;
}

/** Code-point order, so listings do not depend on the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Folder-name suffixes that mark another score variant of the same piece (other repeats, no trio). */
const VARIANT_SUFFIX = /_(no_first_repeat|no_repeat|extra_repeat|repeat|no_trio)$/;

/**
 * Cycles whose pieces are recorded in one take: the only performer who plays several Kreisleriana
 * pieces (Yarden09) plays six of them, so the cycle is kept together like a sonata.
 */
const CYCLES = new Set(['Schumann/Kreisleriana']);

/**
 * The split key for a score folder id: variants of one piece share it, and so do pieces cut from one
 * recording (a Bach prelude and its fugue, the movements of one sonata, one cycle). Pure and
 * deterministic; `metadata.csv`'s shared `maestro_midi_performance` values are checked against it in
 * the tests.
 */
export function pieceGroup(id: string): string {
  const parts = id.split('/').filter((p) => p.length > 0);
  const last = parts.pop();
  if (last === undefined) return id;
  const piece = last.replace(VARIANT_SUFFIX, '');
  const parent = parts.join('/');
  const composer = parts[0] ?? '';
  const collection = parts[parts.length - 1] ?? '';
  if (composer === 'Bach' && /^bwv_\d+/.test(piece) && parts.length === 2) return `Bach/${piece}`;
  if (CYCLES.has(parent)) return parent;
  // `Chopin/Sonata_2/3rd`: the parent folder is the sonata.
  if (/^Sonata_\d+$/.test(collection)) return parent;
  // `Beethoven/Piano_Sonatas/31-3_4`: sonata number, then movement(s).
  const movement = /^(\d+)-\d/.exec(piece);
  if (/Sonatas$/.test(collection) && movement) return `${parent}/${movement[1]}`;
  return parent ? `${parent}/${piece}` : piece;
}
