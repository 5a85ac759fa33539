// Code lenses of a run spec: "▶ Start run" at the top, "Tune batch size" on the [batch] header (or the top when the
// spec has none). The client runs the commands with the spec's URI as the one argument.

import type { CodeLens, Range } from 'vscode-languageserver';

export const START_RUN_COMMAND = 'rubato.startRun';
export const TUNE_BATCH_COMMAND = 'rubato.tuneBatch';

export function specCodeLenses(text: string, uri: string): CodeLens[] {
  const lines = text.split(/\r?\n/);
  const top: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const batchLine = lines.findIndex((l) => /^\s*\[\s*batch\s*\]/.test(l));
  const batch: Range = batchLine < 0 ? top : { start: { line: batchLine, character: 0 }, end: { line: batchLine, character: lines[batchLine]!.length } };
  return [
    { range: top, command: { title: '▶ Start run', command: START_RUN_COMMAND, arguments: [uri] } },
    { range: batch, command: { title: 'Tune batch size', command: TUNE_BATCH_COMMAND, arguments: [uri] } },
  ];
}
