// `rubato datasets scan|dupes|git|canonicalize <dirs…>`: disk usage, duplicates, git bloat and one canonical corpus
// (server/datasets). Not to be confused with `rubato dataset build` (the trainer's cache, server/dataset).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { canonicalize, undoCanonicalize } from '../datasets/canonicalize';
import { findDuplicates } from '../datasets/dupes';
import { formatBytes } from '../datasets/format';
import { GitError, gitGc, scanGit } from '../datasets/git';
import { defaultHashCacheFile, HashCache } from '../datasets/hashCache';
import { toJsonShape } from '../datasets/json';
import { scanDatasets } from '../datasets/scan';
import type { DatasetsProgress, GitGcResult, ScanProblem } from '../datasets/types';
import { CliError, EXIT } from './errors';

type Log = (line: string) => void;

const n = (x: number): string => x.toLocaleString('en-US');

/** A one-line progress indicator on stderr when it is a terminal (nothing in pipes and tests). */
function stderrProgress(): ((p: DatasetsProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (p) => process.stderr.write(`\r\x1b[K${p.phase} ${n(p.done)}${p.total !== undefined ? `/${n(p.total)}` : ''}`);
}
function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

function printProblems(problems: readonly ScanProblem[], log: Log): void {
  if (problems.length === 0) return;
  log(`problems (${problems.length}, reported, skipped):`);
  for (const p of problems.slice(0, 50)) log(`  [${p.kind}] ${p.message}`);
  if (problems.length > 50) log(`  … and ${problems.length - 50} more (--json lists all)`);
}

function needDirs(dirs: string[], cmd: string): void {
  if (dirs.length === 0) throw new CliError(`datasets ${cmd}: name at least one folder`, EXIT.usage);
}

export async function runDatasetsScan(dirs: string[], o: { json?: boolean; depth?: string; top?: string }, log: Log): Promise<number> {
  needDirs(dirs, 'scan');
  const folderDepth = o.depth === undefined ? 2 : Number(o.depth);
  const top = o.top === undefined ? 20 : Number(o.top);
  if (!Number.isInteger(folderDepth) || folderDepth < 0) throw new CliError(`datasets scan: --depth must be a non-negative integer, got ${o.depth}`, EXIT.usage);
  if (!Number.isInteger(top) || top < 1) throw new CliError(`datasets scan: --top must be a positive integer, got ${o.top}`, EXIT.usage);
  const r = await scanDatasets(dirs, { folderDepth, top, onProgress: stderrProgress() });
  clearProgress();
  if (r.roots.length === 0) {
    for (const p of r.problems) process.stderr.write(`rubato: ${p.message}\n`);
    throw new CliError('datasets scan: none of the folders could be read', EXIT.input);
  }
  if (o.json) {
    log(JSON.stringify(toJsonShape(r)));
    return EXIT.ok;
  }
  for (const root of r.roots) {
    log(`${root.path}: ${formatBytes(root.allocatedBytes)} on disk (${formatBytes(root.apparentBytes)} apparent), ${n(root.files)} files, ${n(root.dirs)} folders${root.reachedThrough.length ? ` — reached through ${root.reachedThrough.join(', ')}` : ''}`);
  }
  log(`folders (to depth ${folderDepth}, on disk / apparent / files):`);
  for (const f of r.folders.filter((x) => x.depth > 0).slice(0, 40)) log(`  ${formatBytes(f.allocatedBytes).padStart(10)} ${formatBytes(f.apparentBytes).padStart(10)} ${n(f.files).padStart(8)}  ${f.path}`);
  log('largest files:');
  for (const f of r.largestFiles) log(`  ${formatBytes(f.sizeBytes).padStart(10)}  ${f.path}`);
  if (r.hardLinks.length) {
    log(`hard links: ${r.hardLinks.length} files seen at ${r.hardLinks.reduce((s, g) => s + g.paths.length, 0)} paths (each counted once):`);
    for (const g of r.hardLinks.slice(0, 30)) log(`  ${formatBytes(g.sizeBytes).padStart(10)}  ${g.paths.join('  =  ')}`);
  }
  if (r.links.length) {
    const loops = r.links.filter((l) => l.loop).length;
    const dangling = r.links.filter((l) => l.kind === 'dangling').length;
    log(`links: ${r.links.length} (${loops} loops, ${dangling} dangling; never followed into a loop):`);
    for (const l of r.links.slice(0, 50)) log(`  ${l.path} -> ${l.target}${l.loop ? '  [loop]' : l.kind === 'dangling' ? '  [dangling]' : ''}`);
  }
  printProblems(r.problems, log);
  log(`${n(r.totals.files)} files, ${n(r.totals.dirs)} folders in ${r.seconds.toFixed(2)} s`);
  return EXIT.ok;
}

function openCache(o: { cache?: string | boolean }): HashCache {
  if (o.cache === false) return HashCache.memory();
  return HashCache.load(typeof o.cache === 'string' ? path.resolve(o.cache) : defaultHashCacheFile());
}

export async function runDatasetsDupes(dirs: string[], o: { json?: boolean; cache?: string | boolean; prefer?: string[] }, log: Log): Promise<number> {
  needDirs(dirs, 'dupes');
  const cache = openCache(o);
  const r = await findDuplicates(dirs, { cache, preferCanonical: (o.prefer ?? []).map((p) => path.resolve(p)), onProgress: stderrProgress() });
  clearProgress();
  try {
    cache.save(dirs.map((d) => path.resolve(d)));
  } catch (e) {
    process.stderr.write(`rubato: datasets dupes: the hash cache was not saved: ${(e as Error).message}\n`);
  }
  if (o.json) {
    log(JSON.stringify(toJsonShape(r)));
    return EXIT.ok;
  }
  log(`${r.groups.length} groups of duplicate files, ${formatBytes(r.reclaimableBytes)} reclaimable (hard links of one file are one file)`);
  for (const g of r.groups.slice(0, 50)) {
    log(`  ${formatBytes(g.sizeBytes)} × ${g.files.length}  (${formatBytes(g.reclaimableBytes)} reclaimable)`);
    for (const f of g.files) log(`    ${f === g.canonical ? '*' : ' '} ${f}`);
  }
  if (r.groups.length > 50) log(`  … and ${r.groups.length - 50} more groups (--json lists all)`);
  if (r.folderGroups.length) {
    log(`${r.folderGroups.length} duplicated folders (whole trees identical):`);
    for (const g of r.folderGroups) {
      log(`  ${formatBytes(g.sizeBytes)}, ${n(g.files)} files × ${g.folders.length}${g.datasetCache ? ' (dataset cache)' : ''}  (${formatBytes(g.reclaimableBytes)} reclaimable)`);
      for (const f of g.folders) log(`    ${f === g.canonical ? '*' : ' '} ${f}`);
    }
  }
  printProblems(r.problems, log);
  const s = r.stats;
  log(`${n(s.filesScanned)} files (${n(s.distinctFiles)} distinct), ${n(s.fullHashed)} fully hashed, ${formatBytes(s.bytesHashed)} read, ${n(s.cacheHits)} cached hashes, ${r.seconds.toFixed(2)} s   (* = the copy that looks canonical)`);
  return EXIT.ok;
}

export async function runDatasetsGit(dirs: string[], o: { json?: boolean; gc?: boolean; yes?: boolean }, log: Log): Promise<number> {
  needDirs(dirs, 'git');
  const r = await scanGit(dirs, { onProgress: stderrProgress() });
  clearProgress();
  const targets = r.repos.filter((x) => !x.error && x.unreachable.objects > 0);
  if (o.gc && !o.yes) {
    for (const t of targets) process.stderr.write(`rubato: would run git gc --prune=now in ${t.path} (${t.unreachable.objects} unreachable objects, ${formatBytes(t.unreachable.diskBytes)})\n`);
    throw new CliError('datasets git --gc deletes unreachable objects for good: add --yes to confirm', EXIT.usage);
  }
  const gcs: GitGcResult[] = [];
  if (o.gc) {
    for (const t of targets) {
      try {
        gcs.push(await gitGc(t.path, { confirm: true }));
      } catch (e) {
        throw new CliError(`datasets git --gc: ${(e as Error).message}`, e instanceof GitError && /REFS CHANGED/.test((e as Error).message) ? EXIT.internal : EXIT.output);
      }
    }
  }
  if (o.json) {
    log(JSON.stringify(toJsonShape({ ...r, gc: o.gc ? gcs : undefined })));
    return r.repos.some((x) => x.error) ? EXIT.input : EXIT.ok;
  }
  if (r.repos.length === 0) log('no git repositories found');
  for (const x of r.repos) {
    log(`${x.path}: ${formatBytes(x.objects.totalBytes)} of objects (${n(x.objects.looseObjects)} loose, ${formatBytes(x.objects.looseBytes)}; ${n(x.objects.packedObjects)} packed in ${x.objects.packs} packs, ${formatBytes(x.objects.packBytes)}), ${x.refs} refs`);
    if (x.error) {
      log(`  error: ${x.error}`);
      continue;
    }
    log(`  unreachable (git gc --prune=now removes): ${n(x.unreachable.objects)} objects, ${formatBytes(x.unreachable.diskBytes)}`);
    log(`  only in reflogs or the index (gc keeps):   ${n(x.reflogOrIndexOnly.objects)} objects, ${formatBytes(x.reflogOrIndexOnly.diskBytes)}`);
    if (x.largestBlobs.length) log(`  largest blobs in history: ${x.largestBlobs.slice(0, 5).map((b) => `${b.path || b.sha.slice(0, 10)} ${formatBytes(b.sizeBytes)}`).join(', ')}`);
    for (const w of x.warnings) log(`  warning: ${w}`);
  }
  for (const g of gcs) {
    log(`gc ${g.path}: ${formatBytes(g.before.totalBytes)} → ${formatBytes(g.after.totalBytes)} (${formatBytes(g.freedBytes)} freed; ${g.before.looseObjects} → ${g.after.looseObjects} loose objects); ${g.refsVerified} refs incl. HEAD verified unchanged`);
  }
  if (o.gc && gcs.length === 0) log('gc: no repository has unreachable objects; nothing done');
  printProblems(r.problems, log);
  return r.repos.some((x) => x.error) ? EXIT.input : EXIT.ok;
}

export async function runDatasetsCanonicalize(
  dirs: string[],
  o: { json?: boolean; dryRun?: boolean; apply?: boolean; undo?: string; keepTrash?: boolean; stateDir?: string; prefer?: string[]; cache?: string | boolean },
  log: Log,
): Promise<number> {
  if (o.undo !== undefined) {
    if (dirs.length > 0 || o.apply) throw new CliError('datasets canonicalize --undo <manifest> takes no folders and no --apply', EXIT.usage);
    let r;
    try {
      readFileSync(o.undo);
      r = await undoCanonicalize(path.resolve(o.undo));
    } catch (e) {
      throw new CliError(`datasets canonicalize --undo: ${(e as Error).message}`, EXIT.input);
    }
    if (o.json) log(JSON.stringify(toJsonShape(r)));
    else {
      for (const f of r.restored) log(`restored ${f} (content hashes verified)`);
      for (const f of r.failed) log(`not restored ${f.folder}: ${f.reason}`);
      log(`${r.restored.length} restored, ${r.failed.length} failed; manifest updated: ${r.manifest}`);
    }
    return r.failed.length > 0 ? EXIT.output : EXIT.ok;
  }
  needDirs(dirs, 'canonicalize');
  if (o.apply && o.dryRun) throw new CliError('datasets canonicalize: --dry-run and --apply contradict each other', EXIT.usage);
  const cache = openCache(o);
  const r = await canonicalize(dirs, {
    dryRun: !o.apply,
    keepTrash: !!o.keepTrash,
    stateDir: o.stateDir ? path.resolve(o.stateDir) : undefined,
    preferCanonical: (o.prefer ?? []).map((p) => path.resolve(p)),
    cache,
    onProgress: stderrProgress(),
  });
  clearProgress();
  try {
    cache.save(dirs.map((d) => path.resolve(d)));
  } catch {
    // Only a cache: the next run re-hashes.
  }
  if (o.json) log(JSON.stringify(toJsonShape(r)));
  else {
    log(r.dryRun ? `plan (dry run, nothing changed; --apply to do it):` : `canonicalize:`);
    for (const a of r.actions) log(`  ${a.replace}  ->  link to ${a.canonical}  (${formatBytes(a.sizeBytes)}, ${n(a.files)} files)`);
    for (const s of r.skipped) log(`  skipped ${s.folder}: ${s.reason}`);
    if (r.actions.length === 0) log('  no duplicated folders to replace');
    if (!r.dryRun) {
      if (r.rolledBack) log(`stopped: ${r.rolledBack.error}; rolled back ${r.rolledBack.restored} replaced folder(s) — nothing was lost`);
      else log(`${r.replaced} folders replaced by links after re-hashing both copies, ${formatBytes(r.reclaimedBytes)} reclaimed`);
      if (r.manifest) log(`manifest: ${r.manifest}\nundo: rubato datasets canonicalize --undo ${r.manifest}`);
    }
  }
  return r.rolledBack ? EXIT.output : EXIT.ok;
}

/** Registers the `datasets` command group (a separate group from `dataset build`). */
export function registerDatasetsCommands(program: Command, log: Log, setExit: (code: number) => void): void {
  const ds = program.command('datasets').description('disk usage, duplicates, git bloat and one canonical corpus under dataset folders');
  const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
  ds.command('scan')
    .description('apparent and on-disk size per folder, largest files, hard links (counted once) and links (never followed into loops)')
    .argument('<dirs...>', 'folders to scan')
    .option('--depth <N>', 'list folders this deep below each root', '2')
    .option('--top <N>', 'length of the largest-files list', '20')
    .option('--json', 'print one JSON object (see README)')
    .action(async (dirs: string[], o: { json?: boolean; depth?: string; top?: string }) => setExit(await runDatasetsScan(dirs, o, log)));
  ds.command('dupes')
    .description('duplicate files (size, partial hash, full xxh128) and duplicated folders; hard links of one file are one file')
    .argument('<dirs...>', 'folders to search')
    .option('--cache <file>', 'hash cache file (default: ~/.cache/rubato/datasets-hashes.json)')
    .option('--no-cache', 'do not read or write the hash cache')
    .option('--prefer <dir>', 'prefer copies under this folder as canonical (repeatable)', collect)
    .option('--json', 'print one JSON object (see README)')
    .action(async (dirs: string[], o: { json?: boolean; cache?: string | boolean; prefer?: string[] }) => setExit(await runDatasetsDupes(dirs, o, log)));
  ds.command('git')
    .description('git repositories under the folders: object sizes, unreachable objects, largest blobs; --gc --yes runs git gc --prune=now')
    .argument('<dirs...>', 'folders to search for repositories')
    .option('--gc', 'run git gc --prune=now in every repository with unreachable objects (needs --yes)')
    .option('--yes', 'confirm --gc')
    .option('--json', 'print one JSON object (see README)')
    .action(async (dirs: string[], o: { json?: boolean; gc?: boolean; yes?: boolean }) => setExit(await runDatasetsGit(dirs, o, log)));
  ds.command('canonicalize')
    .description('replace duplicated folders with links to one canonical copy (dry run unless --apply; --undo <manifest> reverses)')
    .argument('[dirs...]', 'folders to search')
    .option('--dry-run', 'only print the plan (the default)')
    .option('--apply', 'replace the duplicates (re-hashes both copies first, writes a manifest)')
    .option('--undo <manifest>', 'put real copies back from a manifest (hashes verified)')
    .option('--keep-trash', 'keep the replaced copies in .rubato-trash-<run>/ beside each link')
    .option('--state-dir <dir>', 'where manifests go (default: ~/.local/state/rubato/canonicalize)')
    .option('--prefer <dir>', 'prefer copies under this folder as canonical (repeatable)', collect)
    .option('--cache <file>', 'hash cache file for the planning scan')
    .option('--no-cache', 'do not read or write the hash cache')
    .option('--json', 'print one JSON object (see README)')
    .action(async (dirs: string[], o: Parameters<typeof runDatasetsCanonicalize>[1]) => setExit(await runDatasetsCanonicalize(dirs, o, log)));
}
