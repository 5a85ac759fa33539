// Parses ASAP beat annotation files (`<time>\t<time>\t<label>` per line); a bad line is an error naming file and line.

import { readFileSync } from 'node:fs';

export type BeatLabel = 'b' | 'db' | 'bR';

export interface BeatAnnotation {
  /** Time of the beat in seconds of the MIDI file the annotations belong to. */
  timeSec: number;
  /** `b` beat, `db` downbeat, `bR` irregular beat. */
  label: BeatLabel;
  /** Time signature starting at this (down)beat, when the line gives one. */
  timeSignature?: { numerator: number; denominator: number };
  /** Key starting here, as sharps (+) or flats (−), when the line gives one. */
  keySharps?: number;
}

export class AnnotationParseError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'AnnotationParseError';
  }
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Parses the text of an annotations file; throws `AnnotationParseError` at the first bad line. */
export function parseAnnotations(text: string, source: string): BeatAnnotation[] {
  const beats: BeatAnnotation[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const fields = raw.split('\t');
    if (fields.length !== 3) {
      throw new AnnotationParseError(source, lineNo, `expected 3 tab-separated fields, got ${fields.length}: "${raw}"`);
    }
    const [t0, , labelField] = fields as [string, string, string];
    if (!NUMBER.test(t0.trim()) || !NUMBER.test(fields[1]!.trim())) {
      throw new AnnotationParseError(source, lineNo, `time is not a number: "${raw}"`);
    }
    const timeSec = Number(t0);
    if (timeSec < 0) throw new AnnotationParseError(source, lineNo, `negative time ${timeSec}`);
    const prev = beats[beats.length - 1];
    if (prev && timeSec < prev.timeSec) {
      throw new AnnotationParseError(source, lineNo, `time ${timeSec} goes back before the previous beat (${prev.timeSec})`);
    }
    beats.push({ timeSec, ...parseLabel(labelField.trim(), source, lineNo) });
  }
  return beats;
}

function parseLabel(field: string, source: string, lineNo: number): Omit<BeatAnnotation, 'timeSec'> {
  const [label, ts, key, ...rest] = field.split(',');
  if (label !== 'b' && label !== 'db' && label !== 'bR') {
    throw new AnnotationParseError(source, lineNo, `unknown beat label "${label ?? ''}" (expected b, db or bR)`);
  }
  if (rest.length > 0) throw new AnnotationParseError(source, lineNo, `too many fields in label "${field}"`);
  const out: Omit<BeatAnnotation, 'timeSec'> = { label };
  if (ts) {
    const m = /^(\d+)\/(\d+)$/.exec(ts);
    if (!m || Number(m[1]) <= 0 || Number(m[2]) <= 0) {
      throw new AnnotationParseError(source, lineNo, `bad time signature "${ts}"`);
    }
    out.timeSignature = { numerator: Number(m[1]), denominator: Number(m[2]) };
  }
  if (key) {
    if (!/^[-+]?\d+$/.test(key) || Math.abs(Number(key)) > 7) {
      throw new AnnotationParseError(source, lineNo, `bad key "${key}" (expected sharps/flats between -7 and 7)`);
    }
    out.keySharps = Number(key);
  }
  return out;
}

/** Reads and parses an annotations file; read errors are rethrown naming the file. */
export function readAnnotationsFile(path: string): BeatAnnotation[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read annotations (${(e as Error).message})`);
  }
  return parseAnnotations(text, path);
}
