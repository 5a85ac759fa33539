// The contract for issue 7 (normalize first) and the host's `settings` message (undo / redo / revert):
// validators on both sides, and the client document's settings equality and backup with `normalize`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STYLE } from '../../../../server/features/style';
import { readMidiFile } from '../../../../server/midi/read';
import { scoreTake } from '../../../../server/preview/scoreTake';
import { STYLE_SLIDERS } from '../../../../server/preview/sliders';
import { checkPreviewMarks, checkPreviewSaveParams, type RollTake } from '../../../../server/protocol/preview';
import { checkHostToView, checkViewToHost } from '../../../../server/protocol/webview/pianoRoll';
import { decodeBackup, encodeBackup, sameSettings, sameWithinSteps, type HumanizeSettings } from '../../../../client/pianoRoll/settings';

const take: RollTake = scoreTake(readMidiFile('examples/minuet-g-major.mid'));
const style = { ...DEFAULT_STYLE };
const mark = { startSec: 1, endSec: 2, takeStartSec: 1.1, takeEndSec: 2.3, label: 'bar 2: +0.5 beats (80%)', kind: 'add' };

function check(fn: (x: unknown) => string | null, x: unknown, expected: string | null): void {
  const got = fn(x);
  if (expected === null) assert.equal(got, null, `expected valid, got "${got}" for ${JSON.stringify(x).slice(0, 200)}`);
  else assert.ok(got?.includes(expected), `expected a problem with "${expected}", got ${JSON.stringify(got)}`);
}

test('host → view: settings, humanized marks and the normalize fields of the view model', () => {
  check(checkHostToView, { kind: 'settings', style, strength: 0.4, method: 'rules' }, null);
  check(checkHostToView, { kind: 'settings', style, strength: 0.4, method: 'rules', normalize: true }, null);
  check(checkHostToView, { kind: 'settings', style, strength: 1.4, method: 'rules' }, 'strength');
  check(checkHostToView, { kind: 'settings', style, strength: 1, method: 'jitter' }, 'method');
  check(checkHostToView, { kind: 'settings', style: { ...style, tempo: NaN }, strength: 1, method: 'auto' }, 'style.tempo');
  check(checkHostToView, { kind: 'settings', style, strength: 1, method: 'auto', normalize: 1 }, 'normalize must be a boolean');

  const humanized = { kind: 'humanized', seq: 2, take, method: 'rules', provider: null, warnings: [] };
  check(checkHostToView, humanized, null);
  check(checkHostToView, { ...humanized, marks: [] }, null);
  check(checkHostToView, { ...humanized, marks: [mark] }, null);
  check(checkHostToView, { ...humanized, marks: [{ ...mark, takeEndSec: 0 }] }, 'ends before it starts');
  check(checkHostToView, { ...humanized, marks: [{ ...mark, takeStartSec: Infinity }] }, 'finite');
  check(checkHostToView, { ...humanized, marks: [{ ...mark, kind: 'tempo' }] }, 'kind');
  check(checkHostToView, { ...humanized, marks: {} }, 'must be an array');

  const view = { fileName: 'm.mid', score: take, defaultStyle: style, defaultStrength: 1, sliders: STYLE_SLIDERS, modelAvailable: true, marks: [], warnings: [] };
  check(checkHostToView, { kind: 'init', view }, null);
  check(checkHostToView, { kind: 'init', view: { ...view, defaultNormalize: true, normalizerAvailable: true } }, null);
  check(checkHostToView, { kind: 'init', view: { ...view, defaultNormalize: 'on' } }, 'defaultNormalize');
  check(checkHostToView, { kind: 'init', view: { ...view, normalizerAvailable: null } }, 'normalizerAvailable');
  // A PreviewMark is a valid RollMark for the `marks` message (its A-axis fields).
  check(checkHostToView, { kind: 'marks', marks: [mark] }, null);
  check(checkPreviewMarks, [mark], null);
});

test('view → host and save params: normalize is an optional boolean', () => {
  check(checkViewToHost, { kind: 'humanize', seq: 1, style, strength: 1, method: 'auto', normalize: true }, null);
  check(checkViewToHost, { kind: 'humanize', seq: 1, style, strength: 1, method: 'auto', normalize: false }, null);
  check(checkViewToHost, { kind: 'save', style, strength: 1, method: 'auto', normalize: 'yes' }, 'normalize must be a boolean');
  check(checkPreviewSaveParams, { source: { path: '/x.mid' }, style, strength: 1, method: 'auto', normalize: true, overwrite: false }, null);
  check(checkPreviewSaveParams, { source: { path: '/x.mid' }, style, strength: 1, method: 'auto', normalize: 0 }, 'normalize');
});

test('the document: normalize is part of the settings (an edit), absent equals off, backups keep it', () => {
  const base: HumanizeSettings = { style, strength: 1, method: 'auto' };
  assert.equal(sameSettings(base, { ...base, normalize: false }), true, 'absent = off (backups from before the toggle)');
  assert.equal(sameSettings(base, { ...base, normalize: true }), false);
  assert.equal(sameWithinSteps(base, { ...base, normalize: true }, STYLE_SLIDERS), false, 'toggling is an edit');
  const b = decodeBackup(encodeBackup({ settings: { ...base, normalize: true }, savedSettings: base }));
  assert.equal(b.settings?.normalize, true);
  assert.equal(b.savedSettings?.normalize, undefined);
  assert.throws(() => decodeBackup(JSON.stringify({ version: 1, settings: { ...base, normalize: 'y' }, savedSettings: null })), /normalize must be a boolean/);
});
