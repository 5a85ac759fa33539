// Train/val/test split: whole groups, deterministic, stratified by composer, hand-computed counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateCounts, checkSplitRatios, DEFAULT_SPLIT_RATIOS, splitByGroup, type Split, type SplitItem } from '../../../server/dataset/split';

/** `perGroup` performances for each of `groups` groups of one composer. */
function composerItems(composer: string, groups: number, perGroup: number): SplitItem[] {
  const out: SplitItem[] = [];
  for (let g = 0; g < groups; g++) {
    for (let p = 0; p < perGroup; p++) out.push({ id: `${composer}/piece${g}/perf${p}`, group: `${composer}/piece${g}`, composer });
  }
  return out;
}

function countGroups(items: readonly SplitItem[], split: Map<string, Split>): Record<Split, number> {
  const seen = new Map<string, Split>();
  for (const it of items) seen.set(it.group, split.get(it.id) as Split);
  const c = { train: 0, val: 0, test: 0 };
  for (const s of seen.values()) c[s] += 1;
  return c;
}

test('largest-remainder counts, hand-computed for 0.8/0.1/0.1', () => {
  const cases: [number, [number, number, number]][] = [
    // n: [train, val, test]
    [0, [0, 0, 0]],
    [1, [1, 0, 0]],
    [3, [3, 0, 0]], // 2.4/.3/.3 -> floors 2/0/0, the leftover goes to train (.4 > .3)
    [4, [3, 1, 0]], // 3.2/.4/.4 -> val wins the tie with test
    [6, [5, 1, 0]], // 4.8/.6/.6 -> 4/0/0, train .8 then val .6
    [7, [5, 1, 1]], // 5.6/.7/.7 -> 5/0/0, val .7, test .7
    [10, [8, 1, 1]],
    [53, [43, 5, 5]], // 42.4/5.3/5.3 -> 42/5/5, leftover to train
  ];
  for (const [n, [train, val, test]] of cases) {
    assert.deepEqual(allocateCounts(n, DEFAULT_SPLIT_RATIOS), { train, val, test }, `n=${n}`);
  }
  assert.deepEqual(allocateCounts(100, { train: 0.71, val: 0.29, test: 0 }), { train: 71, val: 29, test: 0 });
});

test('every item of a group lands in the same split', () => {
  const items = [...composerItems('Bach', 20, 3), ...composerItems('Chopin', 12, 5)];
  const split = splitByGroup(items);
  const byGroup = new Map<string, Set<Split>>();
  for (const it of items) {
    const s = split.get(it.id);
    assert.ok(s !== undefined, `${it.id} has a split`);
    byGroup.set(it.group, (byGroup.get(it.group) ?? new Set()).add(s));
  }
  for (const [g, set] of byGroup) assert.equal(set.size, 1, `group ${g} is split across ${[...set].join(', ')}`);
});

test('stratified per composer, small composers train only', () => {
  const bach = composerItems('Bach', 20, 2);
  const chopin = composerItems('Chopin', 10, 4);
  const glinka = composerItems('Glinka', 1, 2);
  const brahms = composerItems('Brahms', 3, 1);
  const split = splitByGroup([...bach, ...chopin, ...glinka, ...brahms]);
  assert.deepEqual(countGroups(bach, split), { train: 16, val: 2, test: 2 });
  assert.deepEqual(countGroups(chopin, split), { train: 8, val: 1, test: 1 });
  assert.deepEqual(countGroups(glinka, split), { train: 1, val: 0, test: 0 });
  assert.deepEqual(countGroups(brahms, split), { train: 3, val: 0, test: 0 });
});

test('deterministic: independent of item order and of other composers', () => {
  const a = [...composerItems('Bach', 15, 2), ...composerItems('Liszt', 9, 3)];
  const reversed = [...a].reverse();
  const shuffled = a.map((it, i) => ({ it, k: (i * 7919) % a.length })).sort((x, y) => x.k - y.k).map((x) => x.it);
  const s1 = splitByGroup(a);
  assert.deepEqual(splitByGroup(reversed), s1);
  assert.deepEqual(new Map([...splitByGroup(shuffled)].sort()), new Map([...s1].sort()));
  // Adding another composer does not move any Bach or Liszt group.
  const withMore = splitByGroup([...a, ...composerItems('Ravel', 8, 1)]);
  for (const it of a) assert.equal(withMore.get(it.id), s1.get(it.id), it.id);
  // Adding a performance to an existing group does not move anything either.
  const withPerf = splitByGroup([...a, { id: 'Bach/piece0/extra', group: 'Bach/piece0', composer: 'Bach' }]);
  for (const it of a) assert.equal(withPerf.get(it.id), s1.get(it.id), it.id);
  assert.equal(withPerf.get('Bach/piece0/extra'), s1.get('Bach/piece0/perf0'));
});

test('custom ratios are honoured and checked', () => {
  const items = composerItems('Beethoven', 10, 1);
  const split = splitByGroup(items, { train: 0.5, val: 0.2, test: 0.3 });
  assert.deepEqual(countGroups(items, split), { train: 5, val: 2, test: 3 });
  assert.throws(() => checkSplitRatios({ train: 0.8, val: 0.1, test: 0.2 }), /must sum to 1, got 0.8 \+ 0.1 \+ 0.2/);
  assert.throws(() => checkSplitRatios({ train: 1.1, val: -0.1, test: 0 }), /'val' must be a number >= 0, got -0.1/);
  assert.throws(() => splitByGroup(items, { train: Number.NaN, val: 0, test: 0 }), /'train' must be a number >= 0/);
});

test('duplicate ids and a group with two composers are errors naming them', () => {
  assert.throws(
    () => splitByGroup([{ id: 'x', group: 'g', composer: 'A' }, { id: 'x', group: 'g', composer: 'A' }]),
    /item id 'x' appears twice/,
  );
  assert.throws(
    () => splitByGroup([{ id: 'x', group: 'g', composer: 'A' }, { id: 'y', group: 'g', composer: 'B' }]),
    /group 'g' has items of two composers \('A' and 'B', item 'y'\)/,
  );
});
