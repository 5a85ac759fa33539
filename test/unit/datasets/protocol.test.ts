// Validators of the rubato/datasets/* requests: every bad shape is refused with a message naming the field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDatasetsCanonicalizeParams,
  checkDatasetsDupesParams,
  checkDatasetsGcParams,
  checkDatasetsScanParams,
  checkDatasetsUndoParams,
  checkDatasetsWatchParams,
  DatasetsScanRequest,
} from '../../../server/protocol';

const cases: [string, (x: unknown) => string | null, unknown, RegExp | null][] = [
  ['scan ok', checkDatasetsScanParams, { roots: ['/a'] }, null],
  ['scan depth', checkDatasetsScanParams, { roots: ['/a'], folderDepth: 3 }, null],
  ['scan no roots', checkDatasetsScanParams, { roots: [] }, /roots/],
  ['scan bad root', checkDatasetsScanParams, { roots: ['/a', 3] }, /roots\[1\]/],
  ['scan bad depth', checkDatasetsScanParams, { roots: ['/a'], folderDepth: -1 }, /folderDepth/],
  ['scan not object', checkDatasetsScanParams, null, /object/],
  ['dupes prefer', checkDatasetsDupesParams, { roots: ['/a'], preferCanonical: ['/a/corpus'] }, null],
  ['dupes bad prefer', checkDatasetsDupesParams, { roots: ['/a'], preferCanonical: '/a' }, /preferCanonical/],
  ['gc ok', checkDatasetsGcParams, { repo: '/r', confirm: true }, null],
  ['gc unconfirmed', checkDatasetsGcParams, { repo: '/r', confirm: false }, /confirm/],
  ['gc no repo', checkDatasetsGcParams, { confirm: true }, /repo/],
  ['canon ok', checkDatasetsCanonicalizeParams, { roots: ['/a'], dryRun: true }, null],
  ['canon no dryRun', checkDatasetsCanonicalizeParams, { roots: ['/a'] }, /dryRun/],
  ['canon bad keepTrash', checkDatasetsCanonicalizeParams, { roots: ['/a'], dryRun: false, keepTrash: 1 }, /keepTrash/],
  ['undo ok', checkDatasetsUndoParams, { manifest: '/m.json' }, null],
  ['undo empty', checkDatasetsUndoParams, { manifest: '' }, /manifest/],
  ['watch stop', checkDatasetsWatchParams, { roots: [] }, null],
];

for (const [name, check, input, want] of cases) {
  test(`datasets params: ${name}`, () => {
    const got = check(input);
    if (want === null) assert.equal(got, null);
    else assert.match(got ?? '(accepted)', want);
  });
}

test('method names live in the rubato/datasets namespace', () => {
  assert.equal(DatasetsScanRequest.method, 'rubato/datasets/scan');
});
