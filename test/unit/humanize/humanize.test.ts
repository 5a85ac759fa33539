// Humanizers keep every note and pitch, are deterministic, and shape expression as documented.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readMidiFile } from '../../../server/midi/read';
import { humanize } from '../../../server/humanize';
import { DEFAULT_STYLE } from '../../../server/features/style';
import { measuredExpression } from '../../../server/corpus/predicted';
import { phrasePositions } from '../../../server/humanize/phrase';

const examples = path.resolve(__dirname, '../../../examples');
const prelude = readMidiFile(path.join(examples, 'prelude-c-major.mid'));
const minuet = readMidiFile(path.join(examples, 'minuet-g-major.mid'));

function pitches(xs: { pitch: number }[]): number[] {
  return xs.map((n) => n.pitch).sort((a, b) => a - b);
}

for (const method of ['rules', 'jitter'] as const) {
  test(`${method}: every note kept with its pitch, times finite and ordered, deterministic`, () => {
    for (const score of [prelude, minuet]) {
      const a = humanize(score, { method, style: DEFAULT_STYLE, seed: 5 });
      const b = humanize(score, { method, style: DEFAULT_STYLE, seed: 5 });
      assert.equal(a.performance.notes.length, score.notes.length);
      assert.deepEqual(pitches(a.performance.notes), pitches(score.notes));
      assert.deepEqual(a.performance.notes, b.performance.notes);
      for (const n of a.performance.notes) {
        assert.ok(Number.isFinite(n.onsetSec) && n.onsetSec >= 0 && n.offsetSec > n.onsetSec, `note ${JSON.stringify(n)}`);
        assert.ok(Number.isInteger(n.velocity) && n.velocity >= 1 && n.velocity <= 127);
      }
    }
  });
}

test('the seed changes jitter entirely, and rules only in their chord spread', () => {
  const j1 = humanize(minuet, { method: 'jitter', style: DEFAULT_STYLE, seed: 1 });
  const j2 = humanize(minuet, { method: 'jitter', style: DEFAULT_STYLE, seed: 2 });
  assert.notDeepEqual(j1.performance.notes, j2.performance.notes);
  const r1 = humanize(minuet, { method: 'rules', style: DEFAULT_STYLE, seed: 1 });
  const r2 = humanize(minuet, { method: 'rules', style: DEFAULT_STYLE, seed: 2 });
  assert.deepEqual(r1.rendered.notes.map((n) => n.velocity), r2.rendered.notes.map((n) => n.velocity));
  // Group timing is the same up to the lead-in shift (which follows the earliest note).
  const shift = r2.rendered.groupOnsetSec[0]! - r1.rendered.groupOnsetSec[0]!;
  r1.rendered.groupOnsetSec.forEach((t, g) => assert.ok(Math.abs(t + shift - r2.rendered.groupOnsetSec[g]!) < 1e-9));
  const moved = r1.rendered.notes.map((n, i) => Math.abs(n.onsetSec + shift - r2.rendered.notes[i]!.onsetSec));
  assert.ok(Math.max(...moved) > 0 && Math.max(...moved) < 0.06, `chord spread ${Math.max(...moved)}`);
});

test('rules: measured rubato and dynamics follow the style, and the piece ends slower', () => {
  for (const rubato of [0.05, 0.2]) {
    const h = humanize(prelude, { method: 'rules', style: { ...DEFAULT_STYLE, rubato, dynamics: 10 }, seed: 0 });
    const e = measuredExpression(h.analysis, h.rendered);
    const tempo = [...e.tempo].filter(Number.isFinite);
    const sd = Math.sqrt(tempo.reduce((s, x) => s + x * x, 0) / tempo.length - (tempo.reduce((s, x) => s + x, 0) / tempo.length) ** 2);
    // The final ritardando adds to the phrase arcs, so the measured spread is a little above the target.
    assert.ok(sd > rubato * 0.9 && sd < rubato * 2.5, `rubato ${rubato}: measured sd ${sd}`);
    const last = tempo.slice(-4).reduce((s, x) => s + x, 0) / 4;
    const middle = tempo.slice(tempo.length / 2 - 8, tempo.length / 2 + 8).reduce((s, x) => s + x, 0) / 16;
    assert.ok(last > middle + rubato, `ritardando: last ${last} vs middle ${middle}`);
  }
});

test('rules: the melody leads and is louder than the accompaniment', () => {
  const h = humanize(minuet, { method: 'rules', style: DEFAULT_STYLE, seed: 0 });
  // Track 0 is the melody in the example; compare notes struck together.
  let louder = 0;
  let earlier = 0;
  let pairs = 0;
  for (const g of h.analysis.groups) {
    const mel = g.principal.filter((i) => minuet.notes[i]!.track === 0);
    const acc = g.principal.filter((i) => minuet.notes[i]!.track === 1);
    if (!mel.length || !acc.length) continue;
    pairs++;
    const r = h.rendered.notes;
    if (r[mel[0]!]!.velocity > r[acc[0]!]!.velocity) louder++;
    if (r[mel[0]!]!.onsetSec < r[acc[0]!]!.onsetSec) earlier++;
  }
  assert.ok(pairs > 10);
  assert.ok(louder / pairs > 0.8, `melody louder in ${louder}/${pairs}`);
  // Led by 18 ms against a chord spread of 8 ms: nearly always first.
  assert.ok(earlier / pairs > 0.8, `melody first in ${earlier}/${pairs}`);
});

test('phrases: 4-bar phrases in 4/4 at the prelude, positions in [0, 1)', () => {
  const h = humanize(prelude, { method: 'rules', style: DEFAULT_STYLE, seed: 0 });
  const pp = phrasePositions(h.analysis);
  assert.equal(pp.phraseBars, 4);
  for (const x of pp.phrase) assert.ok(x >= 0 && x < 1);
});
