// The shapes the SMF scanner produces, its limits, and the warning collector it reports through.

import type { MidiWarning, MidiWarningCode } from './model';

/** Files over this size are refused ('too-large'): piano performances are a few hundred KiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Events over all tracks; a two-hour dense performance has well under a million. */
export const MAX_EVENTS = 4_000_000;
/** Highest cumulative tick accepted in a track ('absurd-delta' beyond). */
export const MAX_TICK = 2 ** 31 - 1;
/** Warnings kept per file; the rest are counted in one 'too-many-warnings' entry. */
export const MAX_WARNINGS = 64;

/** A note-on (velocity >= 1) or note-off (including note-on with velocity 0), in file order. */
export interface RawNoteEvent {
  tick: number;
  on: boolean;
  channel: number;
  pitch: number;
  /** Note-on velocity 1..127; 0 for note-offs. */
  velocity: number;
}

export interface RawControlEvent {
  tick: number;
  channel: number;
  value: number;
}

export interface RawTrack {
  /** Index among the file's MTrk chunks (0-based). */
  index: number;
  name: string;
  noteEvents: RawNoteEvent[];
  /** CC64 (sustain pedal) changes in file order. */
  sustain: RawControlEvent[];
  /** Tick of End-of-Track, or of the last event when it is missing. */
  endTick: number;
}

export interface SmfScan {
  format: 0 | 1;
  ppq: number;
  tracks: RawTrack[];
  /** In file order over all tracks (tempo events in any track count, as every player does). */
  tempos: { tick: number; usPerQuarter: number }[];
  timeSignatures: { tick: number; numerator: number; denominator: number }[];
  keySignatures: { tick: number; sharps: number; mode: 'major' | 'minor' }[];
  warnings: MidiWarning[];
}

/** Collects warnings up to MAX_WARNINGS, then only counts them. */
export interface WarningSink {
  warn(code: MidiWarningCode, message: string): void;
  finish(): MidiWarning[];
}

export function warningSink(source: string): WarningSink {
  const list: MidiWarning[] = [];
  let dropped = 0;
  return {
    warn(code, message) {
      if (list.length < MAX_WARNINGS) list.push({ code, message: `${source}: ${message}` });
      else dropped++;
    },
    finish() {
      if (dropped > 0) {
        list.push({ code: 'too-many-warnings', message: `${source}: ${dropped} more warnings not shown` });
      }
      return list;
    },
  };
}
