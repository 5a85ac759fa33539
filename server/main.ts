// The background server process: a language server over node-ipc (from the client) or stdio
// (`node dist/server.js --stdio`, for tests and other editors). It hosts the domain — the run-spec
// language, humanizing, run supervision, GPU checks, datasets — so the editor never blocks, and it keeps
// serving whatever a request handler or a supervised process does.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerRunSpecFeatures, RUN_SPEC_CAPABILITIES } from './runspec/lsp';
import { registerHumanizeHandler } from './lsp/humanizeHandler';
import { SettingsStore } from './lsp/settings';
import { StatusReporter } from './lsp/status';
import { TrustGate, trustedFromInit } from './lsp/trust';
import { checkTrustChangedParams, PROTOCOL_VERSION, TrustChangedNotification, type TrustChangedParams } from './protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const trust = new TrustGate(true);
const status = StatusReporter.forConnection(connection, () => trust.trusted);
const settings = new SettingsStore(connection);
registerRunSpecFeatures(connection, documents, settings);
registerHumanizeHandler(connection);

connection.onInitialize((params) => {
  trust.set(trustedFromInit(params.initializationOptions));
  settings.initialize(params);
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...RUN_SPEC_CAPABILITIES },
    serverInfo: { name: 'rubato-server', version: String(PROTOCOL_VERSION) },
  };
});

settings.onInitialized(() => status.flush());

connection.onNotification(TrustChangedNotification.method, (raw: unknown) => {
  const problem = checkTrustChangedParams(raw);
  if (problem) return connection.console.error(`${TrustChangedNotification.method}: ${problem}`);
  trust.set((raw as TrustChangedParams).trusted);
  status.flush();
});

documents.listen(connection);
connection.listen();
