// Wires the piano-roll preview into the language server: rubato/preview/load, /humanize and /save.
// Params are validated with server/protocol/preview.ts; any problem is an InvalidParams or a
// RequestFailed error whose message names the file and the problem (never a crash of the server).

import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';
import { MidiReadError, MidiWriteError } from '../midi/errors';
import { ModelFileError } from '../inference/onnxMetadata';
import {
  checkPreviewHumanizeParams,
  checkPreviewLoadParams,
  checkPreviewSaveParams,
  PreviewHumanizeRequest,
  PreviewLoadRequest,
  PreviewSaveRequest,
  type PreviewHumanizeParams,
  type PreviewHumanizeResult,
  type PreviewLoadParams,
  type PreviewLoadResult,
  type PreviewSaveParams,
  type PreviewSaveResult,
} from '../protocol/preview';
import { loadPreview, previewHumanize, previewSave } from './operations';
import { PreviewError } from './humanizePreview';

export function registerPreviewHandlers(connection: Connection): void {
  connection.onRequest(PreviewLoadRequest.method, (p: unknown) => guarded(checkPreviewLoadParams(p), () => loadPreview(p as PreviewLoadParams)));
  connection.onRequest(PreviewHumanizeRequest.method, (p: unknown) => guarded(checkPreviewHumanizeParams(p), () => previewHumanize(p as PreviewHumanizeParams)));
  connection.onRequest(PreviewSaveRequest.method, (p: unknown) => guarded(checkPreviewSaveParams(p), () => previewSave(p as PreviewSaveParams)));
}

type Result = PreviewLoadResult | PreviewHumanizeResult | PreviewSaveResult;

async function guarded<R extends Result>(problem: string | null, run: () => Promise<R>): Promise<R | ResponseError<void>> {
  if (problem) return new ResponseError(ErrorCodes.InvalidParams, problem);
  try {
    return await run();
  } catch (err) {
    if (err instanceof MidiReadError || err instanceof MidiWriteError || err instanceof ModelFileError || err instanceof PreviewError) {
      return new ResponseError(ErrorCodes.InvalidRequest, err.message);
    }
    return new ResponseError(ErrorCodes.InternalError, `preview: ${err instanceof Error ? err.message : String(err)}`);
  }
}
