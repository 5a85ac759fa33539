// Wires the run-spec language (`rubato-run`, `*.run.toml`) into the language server: diagnostics on every change,
// completion, hover and code lenses, and the `rubato.gpuMemoryGiB` setting the memory warning compares with.

import { fileURLToPath } from 'node:url';
import type { Connection, InitializeParams, ServerCapabilities, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { specDiagnostics } from './diagnostics';
import { specCompletions } from './completion';
import { specHover } from './hover';
import { specCodeLenses } from './codeLens';

export const RUN_SPEC_LANGUAGE_ID = 'rubato-run';
export const DEFAULT_GPU_MEMORY_GIB = 8;

export const RUN_SPEC_CAPABILITIES: ServerCapabilities = {
  completionProvider: { triggerCharacters: ['[', '=', '"'] },
  hoverProvider: true,
  codeLensProvider: { resolveProvider: false },
};

export function isRunSpec(doc: TextDocument): boolean {
  return doc.languageId === RUN_SPEC_LANGUAGE_ID || doc.uri.endsWith('.run.toml');
}

/** Accepts only a positive finite number; anything else keeps the previous value. */
function gpuMemoryFrom(x: unknown, previous: number): number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : previous;
}

export function registerRunSpecFeatures(connection: Connection, documents: TextDocuments<TextDocument>): { initialize(params: InitializeParams): void } {
  let gpuMemoryGiB = DEFAULT_GPU_MEMORY_GIB;
  let pullsConfiguration = false;

  const validate = (doc: TextDocument): void => {
    if (!isRunSpec(doc)) return;
    const specPath = doc.uri.startsWith('file:') ? fileURLToPath(doc.uri) : undefined;
    const diagnostics = specDiagnostics(doc.getText(), { specPath, gpuMemoryGiB });
    connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics }).catch((err: unknown) => connection.console.error(`publishDiagnostics ${doc.uri}: ${String(err)}`));
  };
  const revalidateAll = (): void => documents.all().forEach(validate);
  const pullSettings = (): void => {
    if (!pullsConfiguration) return;
    connection.workspace.getConfiguration('rubato').then(
      (cfg: unknown) => {
        gpuMemoryGiB = gpuMemoryFrom((cfg as { gpuMemoryGiB?: unknown } | null)?.gpuMemoryGiB, DEFAULT_GPU_MEMORY_GIB);
        revalidateAll();
      },
      (err: unknown) => connection.console.error(`workspace/configuration rubato: ${String(err)}`),
    );
  };

  documents.onDidChangeContent((e) => validate(e.document));
  documents.onDidClose((e) => {
    if (!isRunSpec(e.document)) return;
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch((err: unknown) => connection.console.error(`publishDiagnostics ${e.document.uri}: ${String(err)}`));
  });
  connection.onInitialized(pullSettings);
  connection.onDidChangeConfiguration((change) => {
    // Clients that push settings send them here; clients that answer workspace/configuration are asked again.
    const pushed = (change.settings as { rubato?: { gpuMemoryGiB?: unknown } } | null)?.rubato?.gpuMemoryGiB;
    if (pushed !== undefined) {
      gpuMemoryGiB = gpuMemoryFrom(pushed, gpuMemoryGiB);
      revalidateAll();
    }
    pullSettings();
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
    return doc ? specHover(doc.getText(), p.position, gpuMemoryGiB) : null;
  });
  connection.onCodeLens((p) => {
    const doc = runSpec(p.textDocument.uri);
    return doc ? specCodeLenses(doc.getText(), doc.uri) : [];
  });

  return {
    initialize(params: InitializeParams): void {
      pullsConfiguration = params.capabilities.workspace?.configuration === true;
      const opts = params.initializationOptions as { gpuMemoryGiB?: unknown } | null | undefined;
      gpuMemoryGiB = gpuMemoryFrom(opts?.gpuMemoryGiB, DEFAULT_GPU_MEMORY_GIB);
    },
  };
}
