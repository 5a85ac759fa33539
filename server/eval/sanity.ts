// Sanity checks that catch a degenerate humanizer output (the collapse a falling NLL once hid).
//
// Input: the score notes (pitch and onset-group index per score note, groups numbered in time order) and
// the output, given per score note index (output note i renders score note i), plus the output's local
// tempo per group. Each check has a stable id; a failing check gives one human-readable message.
// - note-count: every output column has exactly as many entries as the score has notes.
// - pitch-multiset: the output pitches are the score pitches as a multiset.
// - finite: no NaN/±Infinity in any output column or local tempo; velocities are integers 1..127.
// - onset-order: the mean output onset of each group is non-decreasing in group order, within
//   ONSET_ORDER_TOLERANCE_SEC (configurable); the first violation is reported.
// - timing-collapsed: the local tempo has a population std below LOCAL_TEMPO_MIN_STD, or all IOIs between
//   consecutive group mean onsets are equal within IOI_EQUAL_RELATIVE_TOLERANCE (relative to the largest).
// - velocity-collapsed: the population std of the output velocities is below VELOCITY_MIN_STD.
// onset-order and the IOI half of timing-collapsed need the note-to-note mapping, so they are skipped
// (listed in `skipped`, not failed) when note-count fails; a check with too little data (fewer than two
// groups, tempi or notes) is skipped too. Non-finite values are left out of the later checks, which
// `finite` already reports. A malformed *score* is the caller's bug and throws a RangeError.

import { meanOf } from './compensatedSum';

export const ONSET_ORDER_TOLERANCE_SEC = 0.05;
/** Local tempo is log(performed IOI / score IOI): 1e-3 is a 0.1 % tempo wobble, far below any human's. */
export const LOCAL_TEMPO_MIN_STD = 1e-3;
export const IOI_EQUAL_RELATIVE_TOLERANCE = 1e-6;
/** Half a velocity step: below this every note is effectively played at one loudness. */
export const VELOCITY_MIN_STD = 0.5;
export const MIDI_VELOCITY_MIN = 1;
export const MIDI_VELOCITY_MAX = 127;

export type SanityCheckId =
  | 'note-count'
  | 'pitch-multiset'
  | 'finite'
  | 'onset-order'
  | 'timing-collapsed'
  | 'velocity-collapsed';

export const SANITY_CHECK_IDS: readonly SanityCheckId[] = [
  'note-count',
  'pitch-multiset',
  'finite',
  'onset-order',
  'timing-collapsed',
  'velocity-collapsed',
];

/** Score notes as columns: one entry per score note. */
export interface SanityScore {
  pitch: number[];
  /** Onset-group index of each note; groups are numbered 0, 1, ... in time order. */
  group: number[];
}

/** Output notes as columns: entry i renders score note i. */
export interface SanityOutput {
  pitch: number[];
  onsetSec: number[];
  offsetSec: number[];
  velocity: number[];
  /** Output local tempo, one value per onset group. */
  localTempo: number[];
}

export interface SanityFailure {
  check: SanityCheckId;
  message: string;
}

export interface SanityReport {
  passed: boolean;
  failures: SanityFailure[];
  /** Checks that could not run on this input, with why. */
  skipped: { check: SanityCheckId; reason: string }[];
}

export interface SanityOptions {
  onsetOrderToleranceSec?: number;
}

function validateScore(score: SanityScore): void {
  if (score.pitch.length !== score.group.length) {
    throw new RangeError(`score has ${score.pitch.length} pitches but ${score.group.length} group indices`);
  }
  score.group.forEach((g, i) => {
    if (!Number.isInteger(g) || g < 0) throw new RangeError(`score group[${i}] is ${g}; it must be an integer >= 0`);
  });
  score.pitch.forEach((p, i) => {
    if (!Number.isFinite(p)) throw new RangeError(`score pitch[${i}] is ${p}; it must be finite`);
  });
}

function populationStd(values: readonly number[]): number {
  const mean = meanOf(values);
  return Math.sqrt(meanOf(values.map((v) => (v - mean) * (v - mean))));
}

const OUTPUT_COLUMNS = ['pitch', 'onsetSec', 'offsetSec', 'velocity'] as const;

function checkNoteCount(score: SanityScore, output: SanityOutput): string | null {
  const n = score.pitch.length;
  const bad = OUTPUT_COLUMNS.filter((c) => output[c].length !== n);
  if (bad.length === 0) return null;
  return `score has ${n} notes but output ${bad.map((c) => `${c} has ${output[c].length}`).join(', ')}`;
}

function checkPitchMultiset(score: SanityScore, output: SanityOutput): string | null {
  const counts = new Map<number, number>();
  for (const p of score.pitch) counts.set(p, (counts.get(p) ?? 0) + 1);
  for (const p of output.pitch) counts.set(p, (counts.get(p) ?? 0) - 1);
  const diffs = [...counts].filter(([, d]) => d !== 0).sort(([a], [b]) => a - b);
  if (diffs.length === 0) return null;
  const shown = diffs.slice(0, 3).map(([p, d]) => `pitch ${p}: ${d > 0 ? `${d} missing` : `${-d} extra`}`);
  const more = diffs.length > 3 ? ` (and ${diffs.length - 3} more pitches)` : '';
  return `output pitches differ from the score: ${shown.join('; ')}${more}`;
}

function checkFinite(output: SanityOutput): string | null {
  const problems: string[] = [];
  for (const column of [...OUTPUT_COLUMNS, 'localTempo'] as const) {
    output[column].forEach((v, i) => {
      if (!Number.isFinite(v)) problems.push(`${column}[${i}] is ${v}`);
    });
  }
  output.velocity.forEach((v, i) => {
    if (Number.isFinite(v) && (!Number.isInteger(v) || v < MIDI_VELOCITY_MIN || v > MIDI_VELOCITY_MAX)) {
      problems.push(`velocity[${i}] is ${v}, not an integer ${MIDI_VELOCITY_MIN}..${MIDI_VELOCITY_MAX}`);
    }
  });
  if (problems.length === 0) return null;
  const more = problems.length > 1 ? ` (${problems.length} problems in all)` : '';
  return `${problems[0] as string}${more}`;
}

/** Mean finite onset per group, for the groups that have one, in group order. */
function groupMeanOnsets(score: SanityScore, output: SanityOutput): { group: number; onsetSec: number }[] {
  const byGroup = new Map<number, number[]>();
  score.group.forEach((g, i) => {
    const t = output.onsetSec[i];
    if (t === undefined || !Number.isFinite(t)) return;
    const list = byGroup.get(g);
    if (list) list.push(t);
    else byGroup.set(g, [t]);
  });
  return [...byGroup]
    .sort(([a], [b]) => a - b)
    .map(([group, onsets]) => ({ group, onsetSec: meanOf(onsets) }));
}

function checkOnsetOrder(groups: readonly { group: number; onsetSec: number }[], toleranceSec: number): string | null {
  let first: string | null = null;
  let violations = 0;
  for (let k = 1; k < groups.length; k++) {
    const prev = groups[k - 1] as { group: number; onsetSec: number };
    const cur = groups[k] as { group: number; onsetSec: number };
    if (cur.onsetSec < prev.onsetSec - toleranceSec) {
      violations++;
      first ??=
        `group ${cur.group} starts at ${cur.onsetSec.toFixed(3)} s, ` +
        `${((prev.onsetSec - cur.onsetSec) * 1000).toFixed(1)} ms before group ${prev.group} ` +
        `(${prev.onsetSec.toFixed(3)} s; tolerance ${(toleranceSec * 1000).toFixed(1)} ms)`;
    }
  }
  if (first === null) return null;
  return violations > 1 ? `${first}; ${violations} groups out of order in all` : first;
}

export function sanityCheck(score: SanityScore, output: SanityOutput, options: SanityOptions = {}): SanityReport {
  validateScore(score);
  const toleranceSec = options.onsetOrderToleranceSec ?? ONSET_ORDER_TOLERANCE_SEC;
  if (!Number.isFinite(toleranceSec) || toleranceSec < 0) {
    throw new RangeError(`onsetOrderToleranceSec must be a finite number >= 0, got ${toleranceSec}`);
  }
  const failures: SanityFailure[] = [];
  const skipped: SanityReport['skipped'] = [];
  const fail = (check: SanityCheckId, message: string | null): void => {
    if (message !== null) failures.push({ check, message });
  };

  const countMessage = checkNoteCount(score, output);
  fail('note-count', countMessage);
  fail('pitch-multiset', checkPitchMultiset(score, output));
  fail('finite', checkFinite(output));

  const groups = countMessage === null ? groupMeanOnsets(score, output) : null;
  if (groups === null) skipped.push({ check: 'onset-order', reason: 'note counts differ, so notes cannot be mapped to groups' });
  else if (groups.length < 2) skipped.push({ check: 'onset-order', reason: 'fewer than two onset groups' });
  else fail('onset-order', checkOnsetOrder(groups, toleranceSec));

  const tempo = output.localTempo.filter(Number.isFinite);
  const ioiSec = groups ? groups.slice(1).map((g, k) => g.onsetSec - (groups[k] as { onsetSec: number }).onsetSec) : [];
  const timing: string[] = [];
  if (tempo.length >= 2) {
    const std = populationStd(tempo);
    if (std < LOCAL_TEMPO_MIN_STD) timing.push(`local tempo std is ${std.toExponential(2)} (< ${LOCAL_TEMPO_MIN_STD})`);
  }
  if (ioiSec.length >= 2) {
    const max = Math.max(...ioiSec);
    const min = Math.min(...ioiSec);
    if (max - min <= IOI_EQUAL_RELATIVE_TOLERANCE * Math.max(Math.abs(max), Math.abs(min))) {
      timing.push(`all ${ioiSec.length} IOIs between group onsets equal ${(max * 1000).toFixed(3)} ms`);
    }
  }
  if (tempo.length < 2 && ioiSec.length < 2) {
    skipped.push({ check: 'timing-collapsed', reason: 'fewer than two local tempi and fewer than two group IOIs' });
  } else if (timing.length > 0) fail('timing-collapsed', `timing is flat: ${timing.join('; ')}`);

  const velocities = output.velocity.filter(Number.isFinite);
  if (velocities.length < 2) skipped.push({ check: 'velocity-collapsed', reason: 'fewer than two finite velocities' });
  else {
    const std = populationStd(velocities);
    if (std < VELOCITY_MIN_STD) {
      fail('velocity-collapsed', `velocity std is ${std.toFixed(3)} (< ${VELOCITY_MIN_STD}) over ${velocities.length} notes`);
    }
  }

  return { passed: failures.length === 0, failures, skipped };
}
