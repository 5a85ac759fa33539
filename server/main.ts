// The background server process: a language server over node-ipc (from the client) or stdio
// (`node dist/server.js --stdio`, for tests and other editors). It hosts the domain — the run-spec
// language, humanizing and previews, run supervision, GPU checks, datasets, the normalizer, the eval
// viewer — so the editor never blocks, and it keeps serving whatever a handler or a supervised process does.
// Each area registers its own handlers; this file only builds the shared parts and wires them.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerEvalViewHandlers } from './evalView/lsp';
import { registerDatasetsHandlers } from './lsp/datasetsHandlers';
import { registerGpuHandlers } from './lsp/gpuHandlers';
import { registerHumanizeHandler } from './lsp/humanizeHandler';
import { registerNormalizeHandler } from './lsp/normalizeHandler';
import { registerRunHandlers } from './lsp/runHandlers';
import { SettingsStore } from './lsp/settings';
import { StatusReporter } from './lsp/status';
import { TrustGate, trustedFromInit } from './lsp/trust';
import { registerPreviewHandlers } from './preview/lsp';
import { checkTrustChangedParams, PROTOCOL_VERSION, TrustChangedNotification, type TrustChangedParams } from './protocol';
import { setDefaultHumanizer } from './models/bundled';
import { createSupervisor } from './runs/createSupervisor';
import { realTrainerCommand } from './runs/trainerPlan';
import type { RunSupervisor } from './runs/supervisor';
import { registerRunSpecFeatures, RUN_SPEC_CAPABILITIES } from './runspec/lsp';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const trust = new TrustGate(true);
const status = StatusReporter.forConnection(connection, () => trust.trusted);
const settings = new SettingsStore(connection);
let supervisor: RunSupervisor | undefined;

registerRunSpecFeatures(connection, documents, settings);
registerHumanizeHandler(connection);
registerPreviewHandlers(connection);
registerEvalViewHandlers(connection);
registerNormalizeHandler(connection);
const datasets = registerDatasetsHandlers(connection, status);
registerGpuHandlers(connection, () => supervisor?.ownedPids() ?? [], trust);

connection.onInitialize((params) => {
  trust.set(trustedFromInit(params.initializationOptions));
  settings.initialize(params);
  setDefaultHumanizer(settings.current.defaultModel);
  // The supervisor re-attaches to runs that outlived a previous server at once, so their updates flow
  // from the first moment. The interpreter is looked up per start, so a changed rubato.pythonPath applies.
  const s = settings.current;
  supervisor = createSupervisor({
    maxGpuRuns: s.maxGpuRuns,
    graceMs: s.stopGraceSeconds * 1000,
    trainerCommand: (spec) => realTrainerCommand(settings.current.pythonPath || undefined)(spec),
  });
  for (const problem of supervisor.problems) connection.console.warn(`runs: ${problem}`);
  registerRunHandlers(connection, supervisor, { trust, settings, status });
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...RUN_SPEC_CAPABILITIES },
    serverInfo: { name: 'rubato-server', version: String(PROTOCOL_VERSION) },
  };
});

settings.onInitialized(() => status.flush());
// The humanizer the piano roll and the eval viewer use by default follows `rubato.defaultModel`.
settings.onChange((s) => setDefaultHumanizer(s.defaultModel));

connection.onNotification(TrustChangedNotification.method, (raw: unknown) => {
  const problem = checkTrustChangedParams(raw);
  if (problem) return connection.console.error(`${TrustChangedNotification.method}: ${problem}`);
  trust.set((raw as TrustChangedParams).trusted);
  status.flush();
});

// Runs outlive the server: on shutdown the supervisor only stops tailing and hands ownership back.
connection.onShutdown(() => {
  supervisor?.dispose();
  datasets.dispose();
});

documents.listen(connection);
connection.listen();
