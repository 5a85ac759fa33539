// `rubato inspect <file.mid>`: what the note model holds for a file, as text or JSON.

import { readMidiFile } from '../midi/read';
import type { MidiDoc } from '../midi/model';

export function inspectSummary(doc: MidiDoc): Record<string, unknown> {
  const notes = doc.notes;
  const range = (xs: number[]): [number, number] | null => (xs.length ? [Math.min(...xs), Math.max(...xs)] : null);
  return {
    file: doc.source,
    format: doc.format,
    ppq: doc.ppq,
    tracks: doc.trackNames.length,
    track_names: doc.trackNames,
    notes: notes.length,
    duration_sec: notes.reduce((m, n) => Math.max(m, n.offsetSec), 0),
    end_tick: doc.endTick,
    pitch_range: range(notes.map((n) => n.pitch)),
    velocity_range: range(notes.map((n) => n.velocity)),
    distinct_velocities: new Set(notes.map((n) => n.velocity)).size,
    tempos: doc.tempos.map((t) => ({ tick: t.tick, sec: t.sec, bpm: 60e6 / t.usPerQuarter })),
    time_signatures: doc.timeSignatures.map((t) => ({ tick: t.tick, value: `${t.numerator}/${t.denominator}` })),
    key_signatures: doc.keySignatures,
    sustain_events: doc.sustain.length,
    pedal_intervals: doc.pedal.length,
    pedal_down_sec: doc.pedal.reduce((s, p) => s + (p.endSec - p.startSec), 0),
    warnings: doc.warnings,
  };
}

export function runInspect(file: string, json: boolean, log: (line: string) => void): void {
  const s = inspectSummary(readMidiFile(file));
  if (json) {
    log(JSON.stringify(s, null, 2));
    return;
  }
  const tempos = s.tempos as { bpm: number }[];
  const lines = [
    `${file}`,
    `  format ${s.format}, ${s.tracks} track(s), ${s.ppq} ticks per quarter`,
    `  ${s.notes} notes, ${(s.duration_sec as number).toFixed(2)} s, pitches ${fmtRange(s.pitch_range)}, velocities ${fmtRange(s.velocity_range)} (${s.distinct_velocities} distinct)`,
    `  ${tempos.length} tempo event(s)${tempos.length ? `, first ${tempos[0]!.bpm.toFixed(2)} BPM` : ''}; time signatures ${(s.time_signatures as { value: string }[]).map((t) => t.value).join(' ') || 'none'}`,
    `  sustain pedal: ${s.sustain_events} CC64 events, ${s.pedal_intervals} down spans, ${(s.pedal_down_sec as number).toFixed(1)} s down`,
    ...(s.warnings as { message: string }[]).map((w) => `  warning: ${w.message}`),
  ];
  for (const l of lines) log(l);
}

function fmtRange(r: unknown): string {
  return Array.isArray(r) ? `${r[0]}–${r[1]}` : 'none';
}
