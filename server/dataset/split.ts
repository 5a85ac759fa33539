// Assigns every dataset item to train/val/test by piece group, stratified by composer, deterministically.
//
// Why by group: performances of one piece share the score, so splitting them across train and test would leak the
// piece into the test set. Why a hash order rather than a seeded shuffle: the assignment then depends only on the
// set of group ids of each composer, never on the order items were listed in, the clock, or the other composers.
//
// Per composer, its groups are ordered by SHA-256 of the group id and counted out with the largest-remainder method:
// the first `nTest` groups go to test, the next `nVal` to val, the rest to train. A composer with few groups gets a
// fractional share below one group for val/test, so with the default 0.8/0.1/0.1 a composer with 1-3 groups
// contributes to train only; with 4-6 groups one group is held out (val wins the tie with test); from 7 groups on
// both val and test get at least one. Counts are of groups, not performances, so a group with many performances weighs as one.

import { createHash } from 'node:crypto';

export type Split = 'train' | 'val' | 'test';

export interface SplitRatios {
  train: number;
  val: number;
  test: number;
}

export const DEFAULT_SPLIT_RATIOS: Readonly<SplitRatios> = Object.freeze({ train: 0.8, val: 0.1, test: 0.1 });

/** What the split needs of an item: its own id, its piece group and the group's composer. */
export interface SplitItem {
  id: string;
  group: string;
  composer: string;
}

/** Throws unless the ratios are finite, non-negative and sum to 1. */
export function checkSplitRatios(r: SplitRatios): void {
  for (const k of ['train', 'val', 'test'] as const) {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`split ratios: '${k}' must be a number >= 0, got ${String(v)}`);
  }
  const sum = r.train + r.val + r.test;
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`split ratios must sum to 1, got ${r.train} + ${r.val} + ${r.test} = ${sum}`);
}

function groupHash(group: string): string {
  return createHash('sha256').update(group, 'utf8').digest('hex');
}

/**
 * How many of `n` groups go to each split: floor of each share, then the leftover groups to the largest fractional
 * parts (ties: val before test before train, so a held-out group goes to val first).
 */
export function allocateCounts(n: number, r: SplitRatios): Record<Split, number> {
  const order: Split[] = ['val', 'test', 'train'];
  const exact = { train: n * r.train, val: n * r.val, test: n * r.test };
  // The epsilon keeps 0.29 * 100 = 28.999999999999996 from flooring to 28.
  const floor = (x: number): number => Math.floor(x + 1e-9);
  const counts = { train: floor(exact.train), val: floor(exact.val), test: floor(exact.test) };
  let left = n - counts.train - counts.val - counts.test;
  // Fractions are compared with a tolerance so that 0.1 * 5 vs 0.8 * 5 float noise does not decide the tie.
  const byFraction = [...order].sort((a, b) => {
    const d = exact[b] - counts[b] - (exact[a] - counts[a]);
    return Math.abs(d) > 1e-9 ? d : order.indexOf(a) - order.indexOf(b);
  });
  for (const s of byFraction) {
    if (left <= 0) break;
    counts[s] += 1;
    left -= 1;
  }
  return counts;
}

/**
 * Maps each item id to its split. All items of a group land in the same split. Throws on a duplicate item id or on a
 * group whose items name different composers (the stratification would be ambiguous).
 */
export function splitByGroup(items: readonly SplitItem[], ratios: SplitRatios = DEFAULT_SPLIT_RATIOS): Map<string, Split> {
  checkSplitRatios(ratios);
  const composerOfGroup = new Map<string, string>();
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.id)) throw new Error(`split: item id '${it.id}' appears twice`);
    seen.add(it.id);
    const c = composerOfGroup.get(it.group);
    if (c === undefined) composerOfGroup.set(it.group, it.composer);
    else if (c !== it.composer) {
      throw new Error(`split: group '${it.group}' has items of two composers ('${c}' and '${it.composer}', item '${it.id}')`);
    }
  }

  const groupsOfComposer = new Map<string, string[]>();
  for (const [group, composer] of composerOfGroup) {
    const list = groupsOfComposer.get(composer) ?? [];
    list.push(group);
    groupsOfComposer.set(composer, list);
  }

  const splitOfGroup = new Map<string, Split>();
  for (const groups of groupsOfComposer.values()) {
    const keyed = groups.map((g) => ({ g, h: groupHash(g) }));
    // The group id breaks (astronomically unlikely) hash ties so the order stays total.
    keyed.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : a.g < b.g ? -1 : a.g > b.g ? 1 : 0));
    const counts = allocateCounts(keyed.length, ratios);
    keyed.forEach(({ g }, i) => {
      splitOfGroup.set(g, i < counts.test ? 'test' : i < counts.test + counts.val ? 'val' : 'train');
    });
  }

  const out = new Map<string, Split>();
  for (const it of items) out.set(it.id, splitOfGroup.get(it.group) ?? 'train');
  return out;
}
