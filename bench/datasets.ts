// Datasets section: on a generated tree (scripts/datasetsTree.ts: planted duplicate groups, a copied dataset cache,
// hard links, links and loops), our scan against `du -s` and our duplicate search against `jdupes -r`, measured
// alternately in one run, with the answers checked identical. Each comparison runs three rounds: the first warms
// the page cache for both tools and, for us, starts the datasets worker thread and its JIT; it is printed as
// "cold" and the ratio is the best of the other two.
// Size: RUBATO_BENCH_DATASETS_FILES (default 5,000 files) and RUBATO_BENCH_DATASETS_KIB (mean KiB, default 64);
// the issue's figure uses 50,000 files (about 3 GB). The tree lives in a temp folder and is deleted afterwards.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inodeKey, makePlantedTree } from '../scripts/datasetsTree';
import { findDuplicates } from '../server/datasets/dupes';
import { formatBytes } from '../server/datasets/format';
import { HashCache } from '../server/datasets/hashCache';
import { scanDatasets } from '../server/datasets/scan';

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function timeTool(cmd: string, args: string[]): { s: number; out: string } | null {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) return null;
  return { s: seconds(t0), out: r.stdout };
}

async function timeOurs<T>(f: () => Promise<T>): Promise<{ s: number; r: T }> {
  const t0 = process.hrtime.bigint();
  const r = await f();
  return { s: seconds(t0), r };
}

export async function benchDatasets(): Promise<void> {
  const files = Number(process.env.RUBATO_BENCH_DATASETS_FILES ?? 5000);
  const meanKiB = Number(process.env.RUBATO_BENCH_DATASETS_KIB ?? 64);
  const estimate = files * meanKiB * 1024 * 1.2;
  const fsInfo = statfsSync(os.tmpdir());
  if (estimate * 2 > fsInfo.bavail * fsInfo.bsize) {
    console.log(`datasets: skipped (the tree needs about ${formatBytes(estimate)}; ${os.tmpdir()} has ${formatBytes(fsInfo.bavail * fsInfo.bsize)} free)`);
    return;
  }
  const base = mkdtempSync(path.join(os.tmpdir(), 'rubato-bench-datasets-'));
  try {
    const t0 = process.hrtime.bigint();
    const tree = makePlantedTree(path.join(base, 'tree'), { files, meanKiB });
    spawnSync('sync');
    console.log(`tree: ${tree.files.toLocaleString('en-US')} files, ${formatBytes(tree.bytes)}, ${tree.dupGroups.length} planted duplicate groups, ${tree.hardLinks.length} hard-link sets, ${tree.loops.length} link loops (generated in ${seconds(t0).toFixed(1)} s)`);

    // Scan vs du -s, alternately; the first round also warms the metadata cache for both.
    const du: number[] = [];
    const ours: number[] = [];
    let duBytes = 0;
    let scan;
    let cold = '';
    for (let round = 0; round < 3; round++) {
      const d = timeTool('du', ['-s', '-B1', tree.root]);
      if (d === null) break;
      duBytes = Number(d.out.split('\t')[0]);
      const o = await timeOurs(() => scanDatasets([tree.root]));
      scan = o.r;
      if (round > 0) {
        du.push(d.s);
        ours.push(o.s);
      } else cold = `cold: rubato ${o.s.toFixed(3)} s, du -s ${d.s.toFixed(3)} s`;
    }
    if (du.length === 0 || !scan) console.log('scan: du not available; skipped');
    else {
      const same = scan.roots[0]!.allocatedBytes === duBytes;
      console.log(`scan              rubato ${Math.min(...ours).toFixed(3)} s, du -s ${Math.min(...du).toFixed(3)} s; allocated bytes ${same ? 'identical' : `DIFFER (${scan.roots[0]!.allocatedBytes} vs ${duBytes})`} (${cold})`);
      console.log(`  ratio rubato / du: ${(Math.min(...ours) / Math.min(...du)).toFixed(2)}`);
    }

    // Duplicates vs jdupes -r (no hash cache for us: both read every candidate's bytes).
    const truth = tree.dupGroups.map((g) => inodeKey(g.flat())).sort();
    const jd: number[] = [];
    const od: number[] = [];
    let jGroups: string[] = [];
    let dupes;
    let dupesCold = '';
    for (let round = 0; round < 3; round++) {
      const j = timeTool('jdupes', ['-r', '-q', tree.root]);
      if (j === null) break;
      jGroups = [...new Set(j.out.trim().split(/\n\s*\n/).filter(Boolean).map((b) => inodeKey(b.split('\n').filter(Boolean))))].sort();
      const o = await timeOurs(() => findDuplicates([tree.root]));
      dupes = o.r;
      if (round > 0) {
        jd.push(j.s);
        od.push(o.s);
      } else dupesCold = `cold: rubato ${o.s.toFixed(3)} s, jdupes -r ${j.s.toFixed(3)} s`;
    }
    if (!dupes) dupes = (await timeOurs(() => findDuplicates([tree.root]))).r;
    const oursGroups = dupes.groups.map((g) => inodeKey(g.files)).sort();
    const exact = JSON.stringify(oursGroups) === JSON.stringify(truth);
    console.log(`duplicates        ${dupes.groups.length} groups, ${formatBytes(dupes.reclaimableBytes)} reclaimable; planted groups found exactly: ${exact ? 'yes' : 'NO'}; folder groups: ${dupes.folderGroups.length}`);
    if (jd.length === 0) console.log('  jdupes not installed; comparison skipped');
    else {
      const sameAsJ = JSON.stringify(oursGroups) === JSON.stringify(jGroups);
      console.log(`  rubato ${Math.min(...od).toFixed(3)} s, jdupes -r ${Math.min(...jd).toFixed(3)} s; groups identical to jdupes: ${sameAsJ ? 'yes' : `NO (${oursGroups.length} vs ${jGroups.length})`} (${dupesCold})`);
      console.log(`  ratio rubato / jdupes: ${(Math.min(...od) / Math.min(...jd)).toFixed(2)}`);
    }

    // Rescan with the persisted hash cache: nothing re-hashed.
    const cacheFile = path.join(base, 'hashes.json');
    const c1 = HashCache.load(cacheFile);
    await findDuplicates([tree.root], { cache: c1 });
    c1.save([tree.root]);
    const warm = await timeOurs(() => findDuplicates([tree.root], { cache: HashCache.load(cacheFile) }));
    console.log(`  rescan with the hash cache: ${warm.s.toFixed(3)} s, ${warm.r.stats.bytesHashed} bytes hashed, ${warm.r.stats.cacheHits} cached hashes; ratio cached / uncached: ${(warm.s / Math.min(...od, Infinity)).toFixed(2)}`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchDatasets().catch((e: unknown) => {
    console.error(`bench datasets: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
