// Per-score-note input features: what the humanizer sees. Computed from the score MIDI alone.

import type { MidiDoc } from '../midi/model';
import { TimeMap } from '../midi/timeMap';
import { onsetGroups, type OnsetGroup } from './groups';
import { Meter, type MetricPosition } from './meter';

/** Column names of `ScoreAnalysis.features`, in order. The trainer reads them from the manifest. */
export const SCORE_FEATURE_NAMES = [
  'pitch', // MIDI key number
  'duration_beats', // notated duration in quarters
  'ioi_beats', // quarters from this note's group to the next group (last group: its duration)
  'prev_ioi_beats', // quarters from the previous group (first group: 0)
  'bar_phase', // 0 at the downbeat .. <1
  'beat_phase', // 0 on the beat .. <1
  'is_downbeat',
  'is_on_beat',
  'ts_numerator',
  'ts_denominator',
  'chord_size', // notes in the group's principal chord
  'chord_rank', // 0 = lowest .. 1 = highest note of the group
  'is_top_voice',
  'is_bottom_voice',
  'local_density', // onsets per quarter within ±2 quarters
  'piece_position', // 0 .. 1 by score time
  'notated_bpm', // quarter-note tempo of the score at the onset
  'score_velocity', // the score's own velocity (notated dynamics in many score MIDIs)
  'is_grace', // attached to a later principal onset, or notated with (near) zero duration
  'melodic_interval', // top voice: semitones from the previous group's top note (others: 0)
  'bar_index_norm', // bar / number of bars
  'beats_to_end', // quarters from the onset to the last onset, log1p-compressed
] as const;

export type ScoreFeatureName = (typeof SCORE_FEATURE_NAMES)[number];

export interface ScoreAnalysis {
  doc: MidiDoc;
  timeMap: TimeMap;
  groups: OnsetGroup[];
  /** Group index per note (same order as `doc.notes`). */
  groupOf: Int32Array;
  metric: MetricPosition[];
  /** Row-major [notes × SCORE_FEATURE_NAMES.length]. */
  features: Float32Array;
  /** Number of bars spanned by the score. */
  barCount: number;
}

export function analyzeScore(doc: MidiDoc): ScoreAnalysis {
  const timeMap = new TimeMap(doc.ppq, doc.tempos);
  const meter = new Meter(doc.ppq, doc.timeSignatures);
  const groups = onsetGroups(doc, (t) => timeMap.tickToSec(t));
  const notes = doc.notes;
  const groupOf = new Int32Array(notes.length);
  groups.forEach((g, gi) => g.noteIndices.forEach((i) => (groupOf[i] = gi)));
  const metric = notes.map((n) => meter.at(n.onsetTick));
  const F = SCORE_FEATURE_NAMES.length;
  const features = new Float32Array(notes.length * F);
  const q = doc.ppq;
  const firstTick = groups[0]?.tick ?? 0;
  const lastTick = groups[groups.length - 1]?.tick ?? 0;
  const span = Math.max(1, lastTick - firstTick);
  const barCount = notes.length ? metric.reduce((m, p) => Math.max(m, p.bar), 0) + 1 : 0;
  const density = localDensity(groups, q);
  let prevTop = Number.NaN;
  const topOfGroup = groups.map((g) => Math.max(...g.principal.map((i) => notes[i]!.pitch)));

  groups.forEach((g, gi) => {
    const next = groups[gi + 1];
    const prev = groups[gi - 1];
    const chord = g.principal.map((i) => notes[i]!.pitch).sort((a, b) => a - b);
    const top = topOfGroup[gi]!;
    for (const i of g.noteIndices) {
      const n = notes[i]!;
      const m = metric[i]!;
      const durQ = (n.offsetTick - n.onsetTick) / q;
      const isGrace = n.onsetTick !== g.tick || durQ < 1 / 32;
      const rank = chord.length > 1 ? chord.indexOf(n.pitch) / (chord.length - 1) : 1;
      const row: number[] = [
        n.pitch,
        durQ,
        next ? (next.tick - g.tick) / q : durQ,
        prev ? (g.tick - prev.tick) / q : 0,
        m.barPhase,
        m.beatPhase,
        m.barPhase === 0 ? 1 : 0,
        m.beatPhase === 0 ? 1 : 0,
        m.numerator,
        m.denominator,
        g.principal.length,
        isGrace ? 0.5 : Math.max(0, rank),
        !isGrace && n.pitch === top ? 1 : 0,
        !isGrace && n.pitch === chord[0] ? 1 : 0,
        density[gi]!,
        (g.tick - firstTick) / span,
        timeMap.bpmAt(n.onsetTick),
        n.velocity,
        isGrace ? 1 : 0,
        n.pitch === top && Number.isFinite(prevTop) ? top - prevTop : 0,
        barCount > 0 ? m.bar / barCount : 0,
        Math.log1p(Math.max(0, lastTick - g.tick) / q),
      ];
      features.set(row, i * F);
    }
    prevTop = top;
  });
  return { doc, timeMap, groups, groupOf, metric, features, barCount };
}

/** Reads one feature of one note. */
export function feature(a: ScoreAnalysis, note: number, name: ScoreFeatureName): number {
  return a.features[note * SCORE_FEATURE_NAMES.length + SCORE_FEATURE_NAMES.indexOf(name)]!;
}

/** Onset groups per quarter note within ±2 quarters of each group (two-pointer sweep). */
function localDensity(groups: readonly OnsetGroup[], ppq: number): number[] {
  const out: number[] = [];
  const half = 2 * ppq;
  let lo = 0;
  let hi = 0;
  for (const g of groups) {
    while (groups[lo]!.tick < g.tick - half) lo++;
    while (hi < groups.length && groups[hi]!.tick <= g.tick + half) hi++;
    out.push((hi - lo) / 4);
  }
  return out;
}
