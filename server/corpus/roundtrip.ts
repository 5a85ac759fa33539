// The round-trip check: score + extracted targets must reproduce the human performance — every
// aligned onset within 1 ms (through a written MIDI file) and every velocity exactly.

import { render } from '../features/render';
import { parseMidi } from '../midi/read';
import { docFromSeconds, writeMidi } from '../midi/write';
import type { LoadedPerformance } from './load';

export const ROUNDTRIP_ONSET_TOLERANCE_SEC = 0.001;

export interface RoundTripResult {
  performance: string;
  checked: number;
  /** Worst onset error of the in-memory render, seconds. */
  maxOnsetErrorSec: number;
  /** Worst onset error after writing the render to a MIDI file and reading it back, seconds. */
  maxFileOnsetErrorSec: number;
  velocityMismatches: number;
  ok: boolean;
}

export function roundTrip(p: LoadedPerformance, label: string): RoundTripResult {
  const r = render(p.score.analysis, p.expression);
  const human = p.doc.notes;
  let maxOnsetErrorSec = 0;
  let velocityMismatches = 0;
  const expected = new Map<number, { onsetSec: number; velocity: number }[]>();
  const written: { pitch: number; velocity: number; onsetSec: number; offsetSec: number }[] = [];
  for (const pair of p.alignment.pairs) {
    const h = human[pair.perfIndex]!;
    const out = r.notes[pair.scoreIndex]!;
    maxOnsetErrorSec = Math.max(maxOnsetErrorSec, Math.abs(out.onsetSec - h.onsetSec));
    if (out.velocity !== h.velocity) velocityMismatches++;
    // Keyed by the written (score) pitch: a matched note may have been played on another key.
    expected.set(out.pitch, [...(expected.get(out.pitch) ?? []), { onsetSec: h.onsetSec, velocity: h.velocity }]);
    written.push({ pitch: out.pitch, velocity: out.velocity, onsetSec: out.onsetSec, offsetSec: Math.max(out.offsetSec, out.onsetSec + 0.001) });
  }
  // Through a file: MAESTRO-style 480 ppq at 120 BPM, one tick = 1/960 s.
  const reread = parseMidi(writeMidi(docFromSeconds({ notes: written, source: label })), label);
  const got = new Map<number, { onsetSec: number; velocity: number }[]>();
  for (const n of reread.notes) got.set(n.pitch, [...(got.get(n.pitch) ?? []), { onsetSec: n.onsetSec, velocity: n.velocity }]);
  let maxFileOnsetErrorSec = 0;
  for (const [pitch, exp] of expected) {
    const g = got.get(pitch) ?? [];
    exp.sort((a, b) => a.onsetSec - b.onsetSec);
    g.sort((a, b) => a.onsetSec - b.onsetSec);
    if (g.length !== exp.length) {
      maxFileOnsetErrorSec = Infinity;
      continue;
    }
    exp.forEach((e, k) => {
      maxFileOnsetErrorSec = Math.max(maxFileOnsetErrorSec, Math.abs(g[k]!.onsetSec - e.onsetSec));
      if (g[k]!.velocity !== e.velocity) velocityMismatches++;
    });
  }
  return {
    performance: label,
    checked: p.alignment.pairs.length,
    maxOnsetErrorSec,
    maxFileOnsetErrorSec,
    velocityMismatches,
    ok: maxOnsetErrorSec <= ROUNDTRIP_ONSET_TOLERANCE_SEC && maxFileOnsetErrorSec <= ROUNDTRIP_ONSET_TOLERANCE_SEC && velocityMismatches === 0,
  };
}
