// Wires the eval viewer's requests into the language server (the lead calls this from server/main.ts).

import type { Connection } from 'vscode-languageserver';
import { onValidatedRequest } from '../lsp/request';
import {
  checkEvalCompareParams,
  checkEvalModelsParams,
  checkEvalPiecesParams,
  EvalCompareRequest,
  EvalModelsRequest,
  EvalPiecesRequest,
  type EvalCompareParams,
  type EvalCompareResult,
  type EvalModelsParams,
  type EvalModelsResult,
  type EvalPiecesParams,
  type EvalPiecesResult,
} from '../protocol/evalView';
import { compareEval } from './compare';
import { listEvalModels } from './models';
import { listEvalPieces } from './pieces';

export function registerEvalViewHandlers(connection: Connection): void {
  onValidatedRequest<EvalPiecesParams | null, EvalPiecesResult>(connection, EvalPiecesRequest.method, checkEvalPiecesParams, (p) => listEvalPieces(p));
  onValidatedRequest<EvalModelsParams | null, EvalModelsResult>(connection, EvalModelsRequest.method, checkEvalModelsParams, (p) => listEvalModels(p));
  // Seconds of work: the token is checked between the performance and each model.
  onValidatedRequest<EvalCompareParams, EvalCompareResult>(connection, EvalCompareRequest.method, checkEvalCompareParams, (p, token) => compareEval(p, token));
}
