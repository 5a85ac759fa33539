// `rubato/normalize`: clean a rough MIDI file into a new file with the bundled normalizer (or snap only).

import type { Connection } from 'vscode-languageserver';
import { bundledNormalizer } from '../cli/normalizeCommand';
import { normalizeFile, NormalizeError } from '../normalize';
import { MidiReadError } from '../midi/errors';
import { checkNormalizeParams, NormalizeRequest, type NormalizeParams, type NormalizeResult } from '../protocol';
import { onValidatedRequest, UserFacingError } from './request';

export function registerNormalizeHandler(connection: Connection): void {
  onValidatedRequest<NormalizeParams, NormalizeResult>(connection, NormalizeRequest.method, checkNormalizeParams, async (p) => {
    const method = p.method ?? 'model';
    const modelPath = method === 'model' ? bundledNormalizer() : undefined;
    if (method === 'model' && !modelPath) throw new UserFacingError('the bundled normalizer model (models/normalizer.onnx) is not installed; use the snap method');
    try {
      const r = await normalizeFile({ input: p.input, output: p.output, method, ...(modelPath ? { modelPath } : {}), ...(p.snap !== undefined ? { snap: p.snap } : {}), overwrite: !!p.overwrite });
      return { output: r.output, edits: r.edits, notes_in: r.notes_in, notes_out: r.notes_out, bars: r.bars, warnings: r.warnings };
    } catch (err) {
      if (err instanceof NormalizeError || err instanceof MidiReadError) throw new UserFacingError(err.message);
      throw err;
    }
  });
}
