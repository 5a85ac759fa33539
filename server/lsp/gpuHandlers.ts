// `rubato/gpu/status` and `rubato/gpu/stopProcess`: the GPUs, what holds their memory, and strays — with
// the supervisor's own runs never counted as strays and never stopped through this door.

import type { Connection } from 'vscode-languageserver';
import { gpuStatus } from '../gpu/status';
import { stopProcess } from '../gpu/stop';
import { checkGpuStatusParams, checkStopProcessParams, GpuStatusRequest, StopProcessRequest, type GpuStatusResult, type StopProcessParams, type StopProcessResult } from '../protocol';
import { onValidatedRequest } from './request';
import type { TrustGate } from './trust';

export function registerGpuHandlers(connection: Connection, ownedPids: () => number[], trust: TrustGate): void {
  onValidatedRequest<unknown, GpuStatusResult>(connection, GpuStatusRequest.method, checkGpuStatusParams, () => gpuStatus(new Set(ownedPids())));
  onValidatedRequest<StopProcessParams, StopProcessResult>(connection, StopProcessRequest.method, checkStopProcessParams, (p) => {
    trust.require('stop processes');
    return stopProcess({ ...p, supervisedPids: new Set(ownedPids()) });
  });
}
