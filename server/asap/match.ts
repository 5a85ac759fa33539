// Parses (n)ASAP `.match` / `.match.gz` note alignments, versions 1.0.0 and 5.0, one regex per line kind.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface MatchScoreNote {
  /** MusicXML note id with its repeat pass, e.g. `n12-1`. */
  id: string;
  /** MIDI key from the spelling: 12·(octave+1) + pc(step) + alter. */
  pitch: number;
  step: string;
  alter: number;
  octave: number;
  bar: number;
  /** 1-based beat in the bar. */
  beat: number;
  /** Position after that beat, as a fraction of a whole note. */
  offsetWholeNotes: number;
  /** Notated length as a fraction of a whole note; 0 for grace notes. */
  durationWholeNotes: number;
  /** Onset in beats of the current time signature on the unfolded timeline (may be negative for pickups). */
  onsetBeats: number;
  offsetBeats: number;
  /** Notated as a grace note (`grace` attribute or zero duration). */
  isGrace: boolean;
  /** Raw attributes (`v1`, `staff2`, `staccato`, ...). */
  attrs: string[];
}

export interface MatchPerfNote {
  /** Performed-note id, e.g. `n0`. */
  id: string;
  pitch: number;
  onsetTick: number;
  offsetTick: number;
  /** v5.0 only: sounding offset extended by the pedal. */
  adjOffsetTick?: number;
  onsetSec: number;
  offsetSec: number;
  velocity: number;
}

export interface MatchPedalEvent {
  tick: number;
  sec: number;
  value: number;
}

export interface MatchTimeSignature {
  /** Where it starts, in beats of the unfolded timeline (the beats of the previous signature up to here). */
  onsetBeats: number;
  numerator: number;
  denominator: number;
}

export interface MatchFile {
  source: string;
  version: string;
  /** `info(Attr,Value)` lines as written. */
  info: Record<string, string>;
  /** Ticks per quarter of the performed-note ticks (480 in ASAP). */
  clockUnits: number;
  /** Microseconds per quarter of the performed-note ticks (500000 in ASAP). */
  clockRate: number;
  /** In file order. */
  scoreNotes: MatchScoreNote[];
  /** In file order. */
  perfNotes: MatchPerfNote[];
  /** Indices into scoreNotes / perfNotes. */
  matches: Array<{ scoreIndex: number; perfIndex: number }>;
  /** Score notes that were not played (indices into scoreNotes). */
  deletions: number[];
  /** Performed notes with no score note (indices into perfNotes). */
  insertions: number[];
  sustain: MatchPedalEvent[];
  soft: MatchPedalEvent[];
  /** Sorted by onsetBeats; at least one entry when the file names any signature. */
  timeSignatures: MatchTimeSignature[];
  /** `file:line: problem` for malformed lines and line kinds we do not use (ornaments, trills, ...). */
  warnings: string[];
}

const NUM = String.raw`-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`;
const SNOTE = new RegExp(
  String.raw`^snote\(([^,()\[\]]+),\[([A-Ga-g]),([^\],]*)\],(-?\d+),(-?\d+):(\d+),([^,]+),([^,]+),(${NUM}),(${NUM}),\[([^\]]*)\]\)`,
);
const NOTE_V1 = new RegExp(String.raw`^note\(([^,()]+),(\d+),(-?\d+),(-?\d+),(\d+),(\d+),(\d+)\)$`);
const NOTE_V5 = new RegExp(String.raw`^note\(([^,()]+),\[([A-Ga-g]),([^\],]*)\],(-?\d+),(-?\d+),(-?\d+),(-?\d+),(\d+)\)$`);
const INFO = /^info\(([A-Za-z]+),(.*)\)\.$/;
const SCOREPROP_TS = new RegExp(String.raw`^scoreprop\(timeSignature,(\d+)/(\d+),(-?\d+):(\d+),([^,]+),(${NUM})\)\.$`);
const META_TS = new RegExp(String.raw`^meta\(timeSignature,(\d+)/(\d+),(-?\d+),(${NUM})\)\.$`);
const INFO_TS = /^\[(\d+)\/(\d+)\]$/;
const KNOWN_PROP = /^(scoreprop|meta)\((keySignature|tempoIndication|timeSignature|beatSubDivision),/;

const STEP_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const ALTER: Record<string, number> = { n: 0, '': 0, '#': 1, s: 1, b: -1, f: -1, x: 2, '##': 2, bb: -2, ff: -2 };

/** Reads a `.match.gz` (gunzipped) or plain `.match` file; unreadable files throw an error naming the path. */
export function readMatchFile(path: string): MatchFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read match file (${(e as Error).message})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return parseMatch(bytes.toString('utf8'), path);
}

/** Parses match-file text. Never throws for bad lines: each becomes a warning naming file and line. */
export function parseMatch(text: string, source: string): MatchFile {
  const m: MatchFile = {
    source,
    version: '',
    info: {},
    clockUnits: 480,
    clockRate: 500000,
    scoreNotes: [],
    perfNotes: [],
    matches: [],
    deletions: [],
    insertions: [],
    sustain: [],
    soft: [],
    timeSignatures: [],
    warnings: [],
  };
  const lines = text.split(/\r?\n/);
  // Performed notes carry ticks; seconds need the header's clock, so convert after reading everything.
  const pedalTicks: Array<{ kind: 'sustain' | 'soft'; tick: number; value: number }> = [];
  const unknownKinds = new Map<string, number>();
  let initialTs: MatchTimeSignature | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    // No per-line closures or trims in this loop: it runs ten million times over the corpus.
    const line = raw.length > 0 && raw.charCodeAt(raw.length - 1) <= 32 ? raw.trim() : raw;
    if (line === '') continue;
    if (line.startsWith('snote(')) {
      const dash = line.lastIndexOf(')-');
      const snote = dash >= 0 ? parseSnote(line.slice(0, dash + 1)) : undefined;
      if (!snote) {
        m.warnings.push(lineWarning(source, i, line, 'malformed score note'));
        continue;
      }
      const rest = line.slice(dash + 2);
      if (rest === 'deletion.') {
        m.deletions.push(m.scoreNotes.length);
        m.scoreNotes.push(snote);
      } else if (rest.startsWith('note(') && rest.endsWith('.')) {
        const note = parsePerfNote(rest.slice(0, -1));
        if (!note) {
          m.warnings.push(lineWarning(source, i, line, 'malformed performed note'));
          continue;
        }
        m.matches.push({ scoreIndex: m.scoreNotes.length, perfIndex: m.perfNotes.length });
        m.scoreNotes.push(snote);
        m.perfNotes.push(note);
      } else {
        countUnknown(unknownKinds, `snote-${rest.replace(/\(.*$/, '').replace(/\.$/, '')}`);
      }
    } else if (line.startsWith('insertion-note(')) {
      const note = line.endsWith('.') ? parsePerfNote(line.slice('insertion-'.length, -1)) : undefined;
      if (!note) {
        m.warnings.push(lineWarning(source, i, line, 'malformed inserted note'));
        continue;
      }
      m.insertions.push(m.perfNotes.length);
      m.perfNotes.push(note);
    } else if (line.startsWith('sustain(') || line.startsWith('soft(')) {
      // Pedal lines are half of all lines; split by hand instead of a capturing regex.
      const open = line.indexOf('(');
      const comma = line.indexOf(',', open);
      const tick = Number(line.slice(open + 1, comma));
      const value = Number(line.slice(comma + 1, -2));
      if (comma < 0 || !line.endsWith(').') || !Number.isInteger(tick) || !Number.isInteger(value) || value < 0 || value > 127) {
        m.warnings.push(lineWarning(source, i, line, 'malformed pedal line'));
      } else pedalTicks.push({ kind: open === 7 ? 'sustain' : 'soft', tick, value });
    } else if (line.startsWith('info(')) {
      const p = INFO.exec(line);
      if (!p) {
        m.warnings.push(lineWarning(source, i, line, 'malformed info line'));
        continue;
      }
      const [, attr, value] = p as unknown as [string, string, string];
      m.info[attr] = value;
      if (attr === 'timeSignature') {
        const ts = INFO_TS.exec(value);
        if (ts) initialTs = { onsetBeats: Number.NEGATIVE_INFINITY, numerator: Number(ts[1]), denominator: Number(ts[2]) };
        else m.warnings.push(lineWarning(source, i, line, 'unreadable time signature'));
      }
    } else if (line.startsWith('scoreprop(') || line.startsWith('meta(')) {
      const ts = SCOREPROP_TS.exec(line);
      const meta = ts ? undefined : META_TS.exec(line);
      if (ts) m.timeSignatures.push({ onsetBeats: Number(ts[6]), numerator: Number(ts[1]), denominator: Number(ts[2]) });
      else if (meta) m.timeSignatures.push({ onsetBeats: Number(meta[4]), numerator: Number(meta[1]), denominator: Number(meta[2]) });
      else if (line.includes('(timeSignature,')) m.warnings.push(lineWarning(source, i, line, 'unreadable time signature'));
      else if (!KNOWN_PROP.test(line)) countUnknown(unknownKinds, line.replace(/\(.*$/, ''));
    } else {
      countUnknown(unknownKinds, line.replace(/[(-].*$/, ''));
    }
  }
  finishHeader(m, initialTs);
  // One division per value (not a precomputed seconds-per-tick factor) so 1924 ticks is exactly 1924/960 s.
  const ticksPerSec = (m.clockUnits * 1e6) / m.clockRate;
  for (const n of m.perfNotes) {
    n.onsetSec = n.onsetTick / ticksPerSec;
    n.offsetSec = n.offsetTick / ticksPerSec;
  }
  for (const p of pedalTicks) m[p.kind].push({ tick: p.tick, sec: p.tick / ticksPerSec, value: p.value });
  for (const [kind, count] of unknownKinds) {
    m.warnings.push(`${source}: ${count} line(s) of unsupported kind "${kind}" skipped`);
  }
  return m;
}

function finishHeader(m: MatchFile, initialTs: MatchTimeSignature | undefined): void {
  m.version = m.info['matchFileVersion'] ?? '';
  if (m.version !== '1.0.0' && m.version !== '5.0') {
    m.warnings.push(`${m.source}: match file version "${m.version || 'missing'}" is not 1.0.0 or 5.0; reading it as ${m.version ? 'is' : '1.0.0'}`);
  }
  const units = Number(m.info['midiClockUnits']);
  const rate = Number(m.info['midiClockRate']);
  if (units > 0) m.clockUnits = units;
  else m.warnings.push(`${m.source}: no valid midiClockUnits; assuming 480 ticks per quarter`);
  if (rate > 0) m.clockRate = rate;
  else m.warnings.push(`${m.source}: no valid midiClockRate; assuming 500000 µs per quarter`);
  // Several lines per change (one per staff or per repeat pass): sort, then keep the last at each onset.
  const sorted = [...m.timeSignatures].sort((a, b) => a.onsetBeats - b.onsetBeats);
  const ts: MatchTimeSignature[] = [];
  for (const t of sorted) {
    const last = ts[ts.length - 1];
    if (last && last.onsetBeats === t.onsetBeats) ts[ts.length - 1] = t;
    else if (!last || last.numerator !== t.numerator || last.denominator !== t.denominator) ts.push(t);
  }
  if (ts.length === 0 && initialTs) ts.push({ ...initialTs, onsetBeats: 0 });
  m.timeSignatures = ts;
}

function lineWarning(source: string, index: number, line: string, problem: string): string {
  return `${source}:${index + 1}: ${problem}: ${line.length > 120 ? `${line.slice(0, 120)}…` : line}`;
}

function countUnknown(map: Map<string, number>, kind: string): void {
  map.set(kind, (map.get(kind) ?? 0) + 1);
}

function spellingToPitch(step: string, alter: string, octave: number): number | undefined {
  const pc = STEP_PC[step.toUpperCase()];
  const alt = ALTER[alter];
  if (pc === undefined || alt === undefined) return undefined;
  const pitch = 12 * (octave + 1) + pc + alt;
  return pitch >= 0 && pitch <= 127 ? pitch : undefined;
}

/** `a/b`, an integer or a decimal; undefined when it is none of these. */
function parseFraction(s: string): number | undefined {
  const f = /^(-?\d+)\/(\d+)$/.exec(s);
  if (f) return Number(f[2]) > 0 ? Number(f[1]) / Number(f[2]) : undefined;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

function parseSnote(s: string): MatchScoreNote | undefined {
  const r = SNOTE.exec(s);
  if (!r || r[0].length !== s.length) return undefined;
  const [, id, step, alter, octave, bar, beat, offset, duration, onset, offsetBeats, attrList] = r as unknown as string[];
  const pitch = spellingToPitch(step!, alter!, Number(octave));
  const offsetWholeNotes = parseFraction(offset!);
  const durationWholeNotes = parseFraction(duration!);
  if (pitch === undefined || offsetWholeNotes === undefined || durationWholeNotes === undefined) return undefined;
  const attrs = attrList ? attrList.split(',').filter((a) => a.length > 0) : [];
  return {
    id: id!,
    pitch,
    step: step!.toUpperCase(),
    alter: ALTER[alter!]!,
    octave: Number(octave),
    bar: Number(bar),
    beat: Number(beat),
    offsetWholeNotes,
    durationWholeNotes,
    onsetBeats: Number(onset),
    offsetBeats: Number(offsetBeats),
    isGrace: durationWholeNotes === 0 || attrs.includes('grace'),
    attrs,
  };
}

/** Both performed-note layouts; the field shapes differ enough that the version need not be known. */
function parsePerfNote(s: string): MatchPerfNote | undefined {
  const v1 = NOTE_V1.exec(s);
  if (v1) {
    const [, id, pitch, on, off, vel] = v1 as unknown as string[];
    return perfNote(id!, Number(pitch), Number(on), Number(off), undefined, Number(vel));
  }
  const v5 = NOTE_V5.exec(s);
  if (v5) {
    const [, id, step, alter, octave, on, off, adj, vel] = v5 as unknown as string[];
    const pitch = spellingToPitch(step!, alter!, Number(octave));
    if (pitch === undefined) return undefined;
    return perfNote(id!, pitch, Number(on), Number(off), Number(adj), Number(vel));
  }
  return undefined;
}

function perfNote(id: string, pitch: number, onsetTick: number, offsetTick: number, adj: number | undefined, velocity: number): MatchPerfNote | undefined {
  if (pitch < 0 || pitch > 127 || velocity > 127 || offsetTick < onsetTick) return undefined;
  const n: MatchPerfNote = { id, pitch, onsetTick, offsetTick, onsetSec: 0, offsetSec: 0, velocity };
  if (adj !== undefined) n.adjOffsetTick = adj;
  return n;
}
