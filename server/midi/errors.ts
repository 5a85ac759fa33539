// The one error type for MIDI input that cannot be read: a stable code plus a message naming the file.

/** Why a MIDI file was refused. Stable strings: callers and tests switch on them. */
export type MidiErrorCode =
  | 'empty'
  | 'not-midi'
  | 'truncated'
  | 'bad-chunk-length'
  | 'bad-header'
  | 'zero-division'
  | 'smpte-division'
  | 'type-2'
  | 'absurd-delta'
  | 'bad-event'
  | 'too-large'
  | 'no-tracks'
  | 'io'
  | 'internal';

/**
 * Thrown for any MIDI input that cannot be read. The message always starts with the file path (or
 * label) and says the problem in plain words, so it can be shown to a user as-is.
 */
export class MidiReadError extends Error {
  readonly code: MidiErrorCode;
  readonly file: string;

  constructor(file: string, code: MidiErrorCode, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'MidiReadError';
    this.code = code;
    this.file = file;
  }
}

/** Why a document was not written. */
export type MidiWriteErrorCode = 'exists' | 'invalid-doc' | 'io';

/** Thrown by the writer: an existing target, a document that cannot be encoded, or an I/O failure. */
export class MidiWriteError extends Error {
  readonly code: MidiWriteErrorCode;
  readonly file: string;

  constructor(file: string, code: MidiWriteErrorCode, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'MidiWriteError';
    this.code = code;
    this.file = file;
  }
}
