// The server's reading of `rubato.*` settings: nested and flat forms, and invalid values never replacing valid ones.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, settingsFrom } from '../../../server/lsp/settings';

test('settings from initializationOptions or workspace/configuration, invalid values kept out', () => {
  const s = settingsFrom({ gpuMemoryGiB: 24, pythonPath: '/opt/py/bin/python', gpuPreflight: 'refuse', runs: { maxGpuRuns: 2, stopGraceSeconds: 45 }, datasetRoots: ['/data'], defaultModel: '/m.onnx' });
  assert.deepEqual(s, { gpuMemoryGiB: 24, pythonPath: '/opt/py/bin/python', gpuPreflight: 'refuse', maxGpuRuns: 2, stopGraceSeconds: 45, datasetRoots: ['/data'], defaultModel: '/m.onnx' });
  // VS Code may hand dotted keys flat.
  assert.equal(settingsFrom({ 'runs.maxGpuRuns': 3 }).maxGpuRuns, 3);
  // Garbage keeps what was there.
  const kept = settingsFrom({ gpuMemoryGiB: -1, gpuPreflight: 'maybe', runs: { maxGpuRuns: 1.5, stopGraceSeconds: 'x' }, datasetRoots: [1, 2], pythonPath: 7 }, s);
  assert.deepEqual(kept, s);
  assert.deepEqual(settingsFrom(null), DEFAULT_SETTINGS);
});
