// `rubato/humanize`: humanize a MIDI file on disk into a new file beside it (never the input, never an
// existing file unless asked).

import { existsSync } from 'node:fs';
import type { Connection } from 'vscode-languageserver';
import { parseStyle } from '../features/style';
import { humanize } from '../humanize';
import { readMidiFile } from '../midi/read';
import { writeMidiFile } from '../midi/write';
import { checkHumanizeParams, HumanizeRequest, type HumanizeParams, type HumanizeResult } from '../protocol';
import { onValidatedRequest, UserFacingError } from './request';

export function registerHumanizeHandler(connection: Connection): void {
  onValidatedRequest<HumanizeParams, HumanizeResult>(connection, HumanizeRequest.method, checkHumanizeParams, (p) => {
    if (p.output === p.input) throw new UserFacingError(`refusing to overwrite the input ${p.input}`);
    if (existsSync(p.output) && !p.overwrite) throw new UserFacingError(`${p.output} already exists`);
    const score = readMidiFile(p.input);
    const result = humanize(score, { method: p.method, style: parseStyle(p.style ?? ''), seed: p.seed ?? 0 });
    writeMidiFile(p.output, result.performance, { overwrite: !!p.overwrite });
    return {
      output: p.output,
      notes: result.rendered.notes.length,
      durationSec: result.rendered.notes.reduce((m, n) => Math.max(m, n.offsetSec), 0),
      warnings: score.warnings.map((w) => w.message),
    };
  });
}
