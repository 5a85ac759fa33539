// Writes a MidiDoc as a Standard MIDI File: bytes in memory, or a file written atomically and never
// over an existing one unless asked.

import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeSmf } from './encode';
import { MidiWriteError } from './errors';
import type { MidiDoc } from './model';

export { docFromSeconds } from './fromSeconds';
export type { SecondsDocInput, SecondsNote } from './fromSeconds';

/** SMF bytes for the document (see encode.ts for the layout). Throws MidiWriteError for bad values. */
export function writeMidi(doc: MidiDoc): Uint8Array {
  return encodeSmf(doc);
}

export interface WriteMidiFileOptions {
  /** Replace an existing file. Default false: an existing file is an error. */
  overwrite?: boolean;
}

/**
 * Writes the document to `filePath` through a temporary file in the same folder, so a reader never
 * sees a half-written file. Without `overwrite`, the temporary file is hard-linked into place,
 * which fails atomically if the target appeared meanwhile (a plain exists-check would race).
 */
export function writeMidiFile(filePath: string, doc: MidiDoc, opts: WriteMidiFileOptions = {}): void {
  const bytes = encodeSmf(doc, filePath);
  if (!opts.overwrite && existsSync(filePath)) {
    throw new MidiWriteError(filePath, 'exists', 'already exists (refusing to overwrite it; use the overwrite/--force option)');
  }
  const dir = path.dirname(filePath);
  const temp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.overwrite) renameSync(temp, filePath);
    else linkIntoPlace(temp, filePath);
  } catch (err) {
    removeQuietly(temp);
    if (err instanceof MidiWriteError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') throw new MidiWriteError(filePath, 'exists', 'already exists (refusing to overwrite it)', { cause: err });
    throw new MidiWriteError(filePath, 'io', `cannot be written (${e.message})`, { cause: err });
  }
}

function linkIntoPlace(temp: string, filePath: string): void {
  try {
    linkSync(temp, filePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // File systems without hard links: fall back to check-then-rename (a tiny race, documented).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    if (existsSync(filePath)) throw new MidiWriteError(filePath, 'exists', 'already exists (refusing to overwrite it)');
    renameSync(temp, filePath);
    return;
  }
  removeQuietly(temp);
}

function removeQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // Already gone (renamed into place) or never created: nothing to clean up.
  }
}
