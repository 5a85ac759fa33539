// Generates a dataset tree with known answers, for the datasets tests, the benchmark and scripts/demo-datasets.sh:
// unique files (many of one size, some equal in their first and last 16 KiB so only a full hash tells them apart),
// planted duplicate file groups, a dataset cache copied whole into two projects, hard links (some of them to
// duplicated files), empty files, links to files and folders, a dangling link and link loops.
// Deterministic for a given seed. Usage: node --import tsx scripts/datasetsTree.ts <dir> [files] [meanKiB]

import { lstatSync, linkSync, mkdirSync, symlinkSync, writeFileSync, cpSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface PlantedTree {
  root: string;
  /** Duplicate groups: each distinct file is the list of all its paths (hard links), sorted. */
  dupGroups: string[][][];
  /** Inodes with more than one path, each as its sorted paths. */
  hardLinks: string[][];
  /** Links that loop if followed. */
  loops: string[];
  /** The folder copied whole into two places, as [copy A, copy B]. */
  folderCopies: [string, string][];
  files: number;
  bytes: number;
}

export interface TreeOptions {
  files: number;
  /** Mean file size of the unique files, KiB (default 64). */
  meanKiB?: number;
  seed?: number;
}

/** xorshift32: fast and deterministic; nothing here needs more. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function makePlantedTree(root: string, opts: TreeOptions): PlantedTree {
  const rand = rng(opts.seed ?? 42);
  const mean = (opts.meanKiB ?? 64) * 1024;
  // One pool of pseudo-random bytes; files are windows of it with their index stamped in, so all are distinct.
  const pool = Buffer.alloc(16 * 1024 * 1024 + 1);
  for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE((rand() * 4294967296) >>> 0, Math.min(i, pool.length - 4));
  const t: PlantedTree = { root, dupGroups: [], hardLinks: [], loops: [], folderCopies: [], files: 0, bytes: 0 };
  const dirs: string[] = [];
  const projects = ['corpus', 'projA', 'projB', 'projC'];
  const perDir = 100;
  const nDirs = Math.max(4, Math.ceil(opts.files / perDir));
  for (let d = 0; d < nDirs; d++) {
    const dir = path.join(root, projects[d % projects.length]!, `part${(d >> 2) % 10}`, `d${d}`);
    mkdirSync(dir, { recursive: true });
    dirs.push(dir);
  }
  const write = (p: string, b: Buffer): void => {
    writeFileSync(p, b);
    t.files += 1;
    t.bytes += b.length;
  };
  const content = (id: number, size: number, sameEdges: boolean): Buffer => {
    const off = sameEdges ? 12345 : Math.floor(rand() * (pool.length - size - 1));
    const b = Buffer.from(pool.subarray(off, off + size));
    // Stamp the id in the middle (same-edges files) or at both ends (the others).
    if (size >= 8) {
      if (sameEdges) b.writeUInt32LE(id, Math.max(0, (size >> 1) - 4));
      else {
        b.writeUInt32LE(id, 0);
        b.writeUInt32LE(id, size - 4);
      }
    }
    return b;
  };
  const sizeFor = (): number => {
    const r = rand();
    if (r < 0.3) return 65536 * 2; // many files of one size, as in a cache of fixed-shape arrays
    if (r < 0.995) return 512 + Math.floor(rand() * mean * 1.4);
    return Math.min(8 << 20, mean * 40 + Math.floor(rand() * mean * 40));
  };

  // Unique files (a tenth of the fixed-size ones share their first and last 16 KiB).
  let id = 1;
  const unique: string[] = [];
  const nUnique = Math.max(10, opts.files - Math.ceil(opts.files * 0.06));
  for (let i = 0; i < nUnique; i++) {
    const size = sizeFor();
    const p = path.join(dirs[i % dirs.length]!, `f${i}.bin`);
    write(p, content(id++, size, size === 131072 && i % 10 === 0));
    unique.push(p);
  }

  // Duplicate groups of 2–4 copies, across projects.
  const nGroups = Math.max(3, Math.floor(opts.files * 0.01));
  for (let g = 0; g < nGroups; g++) {
    const size = g % 7 === 0 ? 131072 : sizeFor();
    const b = content(id++, size, g % 7 === 0);
    const copies = 2 + (g % 3);
    const group: string[][] = [];
    for (let c = 0; c < copies; c++) {
      const p = path.join(dirs[(g * 7 + c * 13) % dirs.length]!, `dup${g}-${c}.npy`);
      write(p, b);
      group.push([p]);
    }
    t.dupGroups.push(group);
  }

  // Hard links: of unique files (no duplicate group) and of the first copy of some groups (still one file each).
  const hardLinkOf = (target: string, n: number): string[] => {
    const paths = [target];
    for (let k = 0; k < n; k++) {
      const p = path.join(dirs[(paths.length * 31 + target.length) % dirs.length]!, `hl-${path.basename(target)}-${k}`);
      if (existsSync(p)) continue;
      linkSync(target, p);
      t.files += 1;
      paths.push(p);
    }
    return paths.sort();
  };
  const nHard = Math.max(2, Math.floor(opts.files * 0.005));
  for (let h = 0; h < nHard; h++) t.hardLinks.push(hardLinkOf(unique[(h * 3) % unique.length]!, 1 + (h % 2)));
  for (let g = 0; g < Math.min(3, t.dupGroups.length); g++) {
    const group = t.dupGroups[g]!;
    const paths = hardLinkOf(group[0]![0]!, 1);
    group[0] = paths;
    t.hardLinks.push(paths);
  }

  // A dataset cache copied whole into two projects: a folder group, and a file group per non-empty file.
  const cacheA = path.join(root, 'projA', 'cache');
  const cacheB = path.join(root, 'projB', 'cache');
  mkdirSync(path.join(cacheA, 'items'), { recursive: true });
  write(path.join(cacheA, 'manifest.json'), Buffer.from(`{"version":1,"items":${Math.max(3, Math.floor(opts.files * 0.002))}}\n`));
  for (let k = 0; k < Math.max(3, Math.floor(opts.files * 0.002)); k++) write(path.join(cacheA, 'items', `item${k}.npy`), content(id++, 4096 + k * 1000, false));
  cpSync(cacheA, cacheB, { recursive: true });
  t.files += Math.max(3, Math.floor(opts.files * 0.002)) + 1;
  t.folderCopies.push([cacheA, cacheB]);
  t.dupGroups.push([[path.join(cacheA, 'manifest.json')], [path.join(cacheB, 'manifest.json')]]);
  for (let k = 0; k < Math.max(3, Math.floor(opts.files * 0.002)); k++) {
    t.dupGroups.push([[path.join(cacheA, 'items', `item${k}.npy`)], [path.join(cacheB, 'items', `item${k}.npy`)]]);
  }

  // Empty files are never duplicates.
  for (let k = 0; k < 5; k++) write(path.join(dirs[k % dirs.length]!, `empty${k}`), Buffer.alloc(0));

  // Links: to the corpus (a folder), to a file, a dangling one, a two-link loop and a link to an ancestor.
  const links = path.join(root, 'projC', 'links');
  mkdirSync(links, { recursive: true });
  symlinkSync(path.join(root, 'corpus'), path.join(links, 'corpus'));
  symlinkSync(unique[0]!, path.join(links, 'a-file'));
  symlinkSync(path.join(root, 'nowhere'), path.join(links, 'dangling'));
  symlinkSync('loop-b', path.join(links, 'loop-a'));
  symlinkSync('loop-a', path.join(links, 'loop-b'));
  symlinkSync('../..', path.join(links, 'up'));
  t.loops.push(path.join(links, 'loop-a'), path.join(links, 'loop-b'), path.join(links, 'up'));
  t.loops.sort();
  for (const g of t.dupGroups) g.sort((a, b) => a[0]!.localeCompare(b[0]!));
  t.dupGroups.sort((a, b) => a[0]![0]!.localeCompare(b[0]![0]!));
  t.hardLinks.sort((a, b) => a[0]!.localeCompare(b[0]!));
  return t;
}

/** A group as the set of its inodes (device:inode, sorted), to compare tools that name different paths of one file. */
export function inodeKey(paths: readonly string[]): string {
  return [...new Set(paths.map((p) => { const s = lstatSync(p, { bigint: true }); return `${s.dev}:${s.ino}`; }))].sort().join(',');
}

if (require.main === module) {
  const [dir, files, kib] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node --import tsx scripts/datasetsTree.ts <dir> [files] [meanKiB]\n');
    process.exit(2);
  }
  if (existsSync(dir)) {
    process.stderr.write(`${dir}: already exists; choose a new folder\n`);
    process.exit(4);
  }
  const t = makePlantedTree(path.resolve(dir), { files: Number(files ?? 2000), meanKiB: Number(kib ?? 64) });
  process.stdout.write(`${JSON.stringify(t, null, 1)}\n`);
}
