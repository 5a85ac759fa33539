// The note model every other module reads: plain domain data, times in ticks and in float64 seconds.
//
// Units are in the names (onsetTick, onsetSec). Seconds are always derived from the tempo map by
// `TimeMap` (one multiplication from the start of the tempo segment), never by accumulating steps.

/** One sounding note: a note-on paired with its note-off. */
export interface Note {
  /** MIDI key number, 0..127 (60 = C4). */
  pitch: number;
  /** Note-on velocity, integer 1..127. */
  velocity: number;
  onsetTick: number;
  offsetTick: number;
  onsetSec: number;
  offsetSec: number;
  /** Index of the track chunk the note came from (0-based, as in the file). */
  track: number;
  /** MIDI channel 0..15. */
  channel: number;
}

/** A raw sustain-pedal (CC64) value change; kept raw because performances use half-pedalling. */
export interface PedalEvent {
  tick: number;
  sec: number;
  /** Controller value 0..127; >= 64 counts as "down" for intervals. */
  value: number;
  track: number;
  channel: number;
}

/** A span during which the sustain pedal is down (value >= 64). */
export interface PedalInterval {
  startTick: number;
  endTick: number;
  startSec: number;
  endSec: number;
  channel: number;
}

export interface TempoEvent {
  tick: number;
  /** Microseconds per quarter note, as stored in the file. */
  usPerQuarter: number;
  /** Time of this change in seconds (float64). */
  sec: number;
}

export interface TimeSignatureEvent {
  tick: number;
  numerator: number;
  denominator: number;
}

export interface KeySignatureEvent {
  tick: number;
  /** Number of sharps (positive) or flats (negative), -7..7. */
  sharps: number;
  mode: 'major' | 'minor';
}

/** A problem that did not stop the file from being read (tolerant reading, standard practice). */
export interface MidiWarning {
  code: MidiWarningCode;
  message: string;
}

export type MidiWarningCode =
  | 'unterminated-note'
  | 'orphan-note-off'
  | 'overlapping-note'
  | 'trailing-bytes'
  | 'missing-end-of-track'
  | 'running-status'
  | 'chunk-length'
  | 'unknown-chunk'
  | 'zero-length-note'
  | 'tempo-out-of-range'
  | 'truncated-track'
  | 'track-count'
  | 'bad-meta'
  | 'too-many-warnings'
  | 'other';

/** A Standard MIDI File read into the note model. */
export interface MidiDoc {
  /** Path (or label) the bytes came from; every error and warning names it. */
  source: string;
  /** SMF format: 0 (single track) or 1 (parallel tracks). Type 2 is rejected. */
  format: 0 | 1;
  /** Ticks per quarter note (metrical division). */
  ppq: number;
  /** Sorted by onsetTick, then pitch. */
  notes: Note[];
  /** Sorted by tick. */
  sustain: PedalEvent[];
  /** Derived from `sustain` (value >= 64 is down), sorted by start. */
  pedal: PedalInterval[];
  /** Sorted by tick; always has an event at tick 0 (120 BPM assumed when the file has none). */
  tempos: TempoEvent[];
  /** Sorted by tick; 4/4 at tick 0 assumed when the file has none. */
  timeSignatures: TimeSignatureEvent[];
  keySignatures: KeySignatureEvent[];
  trackNames: string[];
  /** Last tick of any event in the file. */
  endTick: number;
  warnings: MidiWarning[];
}
