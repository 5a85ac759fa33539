import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STYLE_NAMES, DEFAULT_STYLE } from '../../../../server/features/style';
import { checkPreviewHumanizeParams, checkPreviewLoadParams, checkPreviewSaveParams, checkRollTake, PREVIEW_STYLE_NAMES, type RollTake } from '../../../../server/protocol/preview';
import { checkHostToView, checkViewToHost } from '../../../../server/protocol/webview/pianoRoll';
import { readMidiFile } from '../../../../server/midi/read';
import { scoreTake } from '../../../../server/preview/scoreTake';
import { STYLE_SLIDERS } from '../../../../server/preview/sliders';

const take: RollTake = scoreTake(readMidiFile('examples/minuet-g-major.mid'));
const style = { ...DEFAULT_STYLE };

/** One helper, many cases: null means valid, a string must appear in the problem. */
function check(fn: (x: unknown) => string | null, x: unknown, expected: string | null): void {
  const got = fn(x);
  if (expected === null) assert.equal(got, null, `expected valid, got "${got}" for ${JSON.stringify(x).slice(0, 200)}`);
  else assert.ok(got?.includes(expected), `expected a problem with "${expected}", got ${JSON.stringify(got)}`);
}

test('the protocol names the same five style descriptors as the features, in order', () => {
  assert.deepEqual([...PREVIEW_STYLE_NAMES], [...STYLE_NAMES]);
});

test('view → host messages', () => {
  check(checkViewToHost, { kind: 'ready' }, null);
  check(checkViewToHost, { kind: 'humanize', seq: 3, style, strength: 0.5, method: 'auto' }, null);
  check(checkViewToHost, { kind: 'humanize', seq: -1, style, strength: 0.5, method: 'auto' }, 'seq');
  check(checkViewToHost, { kind: 'humanize', seq: 1, style, strength: 1.5, method: 'auto' }, 'strength');
  check(checkViewToHost, { kind: 'humanize', seq: 1, style: { ...style, rubato: 'x' }, strength: 1, method: 'auto' }, 'style.rubato');
  check(checkViewToHost, { kind: 'humanize', seq: 1, style: { ...style, swing: 1 }, strength: 1, method: 'auto' }, 'unknown key "swing"');
  check(checkViewToHost, { kind: 'save', style, strength: 1, method: 'jitter' }, 'method');
  check(checkViewToHost, { kind: 'error', message: 'x' }, null);
  check(checkViewToHost, { kind: 'launch' }, 'unknown message kind "launch"');
  check(checkViewToHost, null, 'must be an object');
  check(checkViewToHost, [], 'must be an object');
});

test('host → view messages, including a real file’s take', () => {
  const view = { fileName: 'minuet.mid', score: take, defaultStyle: style, defaultStrength: 1, sliders: STYLE_SLIDERS, modelAvailable: true, marks: [], warnings: [] };
  check(checkHostToView, { kind: 'init', view }, null);
  check(checkHostToView, { kind: 'init', view: { ...view, marks: [{ startSec: 2, endSec: 1, label: 'x' }] } }, 'marks[0]');
  check(checkHostToView, { kind: 'init', view: { ...view, sliders: [{ ...STYLE_SLIDERS[0], min: 1, max: 0 }] } }, 'sliders[0]');
  check(checkHostToView, { kind: 'humanized', seq: 2, take, method: 'rules', provider: null, warnings: [] }, null);
  check(checkHostToView, { kind: 'humanized', seq: 2, take, method: 'jitter', provider: null, warnings: [] }, 'method');
  check(checkHostToView, { kind: 'error', seq: null, message: 'm' }, null);
  check(checkHostToView, { kind: 'marks', marks: [{ startSec: 1, endSec: 2, label: 'bars 3–4', kind: 'tempo' }] }, null);
  check(checkHostToView, { kind: 'saved', output: '' }, 'saved.output');
  check(checkHostToView, { kind: 'command', command: 'fit' }, null);
  check(checkHostToView, { kind: 'command', command: 'rm -rf' }, 'command must be');
});

test('takes: mismatched or non-finite columns are refused with the column named', () => {
  check(checkRollTake, take, null);
  check(checkRollTake, { ...take, notes: { ...take.notes, velocity: take.notes.velocity.slice(1) } }, 'notes.velocity');
  check(checkRollTake, { ...take, notes: { ...take.notes, onsetSec: take.notes.onsetSec.map((x, i) => (i === 3 ? NaN : x)) } }, 'notes.onsetSec');
  check(checkRollTake, { ...take, notes: { ...take.notes, confidence: [0.5] } }, 'confidence');
  check(checkRollTake, { ...take, tempo: { sec: [0], bpm: [0] } }, 'bpm must be positive');
  check(checkRollTake, { ...take, grid: { barSec: [0, 1], barNumber: [1], beatSec: [] } }, 'grid');
});

test('server request params', () => {
  check(checkPreviewLoadParams, { source: { path: '/x/a.mid' } }, null);
  check(checkPreviewLoadParams, { source: { path: '/x/a.mid', bytesBase64: Buffer.from('MThd').toString('base64') } }, null);
  check(checkPreviewLoadParams, { source: { path: '/x/a.mid', bytesBase64: 'not base64!' } }, 'not base64');
  check(checkPreviewLoadParams, { source: { path: '' } }, 'source.path');
  check(checkPreviewHumanizeParams, { source: { path: '/a.mid' }, style, strength: 0, method: 'model' }, null);
  check(checkPreviewHumanizeParams, { source: { path: '/a.mid' }, style, strength: 0, method: 'magic' }, 'method');
  check(checkPreviewSaveParams, { source: { path: '/a.mid' }, style, strength: 1, method: 'rules', overwrite: 'yes' }, 'overwrite');
  check(checkPreviewSaveParams, { source: { path: '/a.mid' }, style, strength: 1, method: 'rules', output: '/b.mid', overwrite: true }, null);
});
