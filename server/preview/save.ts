// Writes the humanized take as `<name>.humanized.mid` beside the original: never over the original,
// never over an existing file unless the user confirmed (the request says `overwrite`).

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { MidiWriteError } from '../midi/errors';
import type { MidiDoc } from '../midi/model';
import { writeMidiFile } from '../midi/write';
import type { PreviewSaveResult } from '../protocol/preview';
import { PreviewError } from './humanizePreview';

/** `<dir>/<name>.humanized.mid` (keeps `.midi`) beside the input. */
export function humanizedPathFor(input: string): string {
  const ext = path.extname(input);
  return path.join(path.dirname(input), `${path.basename(input, ext)}.humanized${ext || '.mid'}`);
}

/** The output path a save request resolves to; refuses relative paths and the source itself. */
export function resolveOutput(sourcePath: string, output: string | undefined): string {
  const out = output ?? humanizedPathFor(sourcePath);
  if (!path.isAbsolute(out)) throw new PreviewError(`cannot save beside ${sourcePath}: the output ${out} is not an absolute file path (pass an output)`);
  if (sameFile(out, sourcePath)) throw new PreviewError(`refusing to write the humanized file over the original ${sourcePath}`);
  return out;
}

export function savePerformance(output: string, performance: MidiDoc, overwrite: boolean, method: 'model' | 'rules'): PreviewSaveResult {
  if (!overwrite && existsSync(output)) return { status: 'exists', output };
  try {
    writeMidiFile(output, performance, { overwrite });
  } catch (err) {
    // Another writer created it between the check and the link: still "exists", still not clobbered.
    if (err instanceof MidiWriteError && err.code === 'exists') return { status: 'exists', output };
    throw err;
  }
  return { status: 'written', output, notes: performance.notes.length, method };
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
