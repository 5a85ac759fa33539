// Wires the run-spec language (`rubato-run`, `*.run.toml`) into the language server: diagnostics on every change,
// completion, hover and code lenses; diagnostics are redone when `rubato.gpuMemoryGiB` (the memory warning's limit) changes.

import { fileURLToPath } from 'node:url';
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver';
import type { SettingsStore } from '../lsp/settings';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { specDiagnostics } from './diagnostics';
import { specCompletions } from './completion';
import { specHover } from './hover';
import { specCodeLenses } from './codeLens';

export const RUN_SPEC_LANGUAGE_ID = 'rubato-run';

export const RUN_SPEC_CAPABILITIES: ServerCapabilities = {
  completionProvider: { triggerCharacters: ['[', '=', '"'] },
  hoverProvider: true,
  codeLensProvider: { resolveProvider: false },
};

export function isRunSpec(doc: TextDocument): boolean {
  return doc.languageId === RUN_SPEC_LANGUAGE_ID || doc.uri.endsWith('.run.toml');
}

export function registerRunSpecFeatures(connection: Connection, documents: TextDocuments<TextDocument>, settings: SettingsStore): void {
  const validate = (doc: TextDocument): void => {
    if (!isRunSpec(doc)) return;
    const specPath = doc.uri.startsWith('file:') ? fileURLToPath(doc.uri) : undefined;
    const diagnostics = specDiagnostics(doc.getText(), { specPath, gpuMemoryGiB: settings.current.gpuMemoryGiB });
    connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics }).catch((err: unknown) => connection.console.error(`publishDiagnostics ${doc.uri}: ${String(err)}`));
  };
  let lastGiB = settings.current.gpuMemoryGiB;
  settings.onChange((s) => {
    if (s.gpuMemoryGiB === lastGiB) return;
    lastGiB = s.gpuMemoryGiB;
    documents.all().forEach(validate);
  });

  documents.onDidChangeContent((e) => validate(e.document));
  documents.onDidClose((e) => {
    if (!isRunSpec(e.document)) return;
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch((err: unknown) => connection.console.error(`publishDiagnostics ${e.document.uri}: ${String(err)}`));
  });
  const runSpec = (uri: string): TextDocument | undefined => {
    const doc = documents.get(uri);
    return doc && isRunSpec(doc) ? doc : undefined;
  };
  connection.onCompletion((p) => {
    const doc = runSpec(p.textDocument.uri);
    return doc ? specCompletions(doc.getText(), p.position) : [];
  });
  connection.onHover((p) => {
    const doc = runSpec(p.textDocument.uri);
    return doc ? specHover(doc.getText(), p.position, settings.current.gpuMemoryGiB) : null;
  });
  connection.onCodeLens((p) => {
    const doc = runSpec(p.textDocument.uri);
    return doc ? specCodeLenses(doc.getText(), doc.uri) : [];
  });
}
