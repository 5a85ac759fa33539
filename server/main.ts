// The background server process: a language server over node-ipc (from the client) or stdio.
// It hosts the domain (humanizing, the run-spec language; supervision comes later) so the editor never blocks.

import { existsSync } from 'node:fs';
import { createConnection, ProposedFeatures, ResponseError, ErrorCodes, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readMidiFile } from './midi/read';
import { writeMidiFile } from './midi/write';
import { MidiReadError } from './midi/errors';
import { parseStyle } from './features/style';
import { humanize } from './humanize';
import { registerRunSpecFeatures, RUN_SPEC_CAPABILITIES } from './runspec/lsp';
import { checkHumanizeParams, HumanizeRequest, PROTOCOL_VERSION, type HumanizeParams, type HumanizeResult } from './protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const runSpecs = registerRunSpecFeatures(connection, documents);

connection.onInitialize((params) => {
  runSpecs.initialize(params);
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...RUN_SPEC_CAPABILITIES },
    serverInfo: { name: 'rubato-server', version: String(PROTOCOL_VERSION) },
  };
});

connection.onRequest(HumanizeRequest.method, (raw: unknown): HumanizeResult | ResponseError<void> => {
  const problem = checkHumanizeParams(raw);
  if (problem) return new ResponseError(ErrorCodes.InvalidParams, `${HumanizeRequest.method}: ${problem}`);
  const p = raw as HumanizeParams;
  if (p.output === p.input) return new ResponseError(ErrorCodes.InvalidParams, `refusing to overwrite the input ${p.input}`);
  if (existsSync(p.output) && !p.overwrite) return new ResponseError(ErrorCodes.InvalidParams, `${p.output} already exists`);
  try {
    const score = readMidiFile(p.input);
    const result = humanize(score, { method: p.method, style: parseStyle(p.style ?? ''), seed: p.seed ?? 0 });
    writeMidiFile(p.output, result.performance, { overwrite: !!p.overwrite });
    return {
      output: p.output,
      notes: result.rendered.notes.length,
      durationSec: result.rendered.notes.reduce((m, n) => Math.max(m, n.offsetSec), 0),
      warnings: score.warnings.map((w) => w.message),
    };
  } catch (err) {
    const message = err instanceof MidiReadError || err instanceof Error ? err.message : String(err);
    return new ResponseError(ErrorCodes.InternalError, message);
  }
});

documents.listen(connection);
connection.listen();
