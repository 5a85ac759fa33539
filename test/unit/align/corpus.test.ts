// Corpus walking and the piece groups used to split train/val/test.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listCorpus, pieceGroup } from '../../../server/asap/corpus';
import { asapDir } from './helpers';

function touch(p: string): void {
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, '');
}

test('walks Composer/Work[/Piece] folders into sorted score folders with their performances', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-corpus-'));
  try {
    for (const f of [
      'Bach/Fugue/bwv_846/midi_score.mid',
      'Bach/Fugue/bwv_846/midi_score_annotations.txt',
      'Bach/Fugue/bwv_846/Shi05M.mid',
      'Bach/Fugue/bwv_846/Shi05M_annotations.txt',
      'Bach/Fugue/bwv_846/Shi05M.match.gz',
      'Bach/Fugue/bwv_846/Abe01.mid',
      'Bach/Fugue/bwv_846/Abe01.match.gz',
      'Balakirev/Islamey/midi_score.mid',
      'Balakirev/Islamey/Lone.mid',
      'Balakirev/Islamey/Orphan.match.gz',
      'Bach/Fugue/README.md',
    ]) {
      touch(path.join(dir, f));
    }
    const c = listCorpus(dir);
    assert.deepEqual(
      c.folders.map((f) => [f.id, f.group, f.performances.map((p) => p.name)]),
      [
        ['Bach/Fugue/bwv_846', 'Bach/bwv_846', ['Abe01', 'Shi05M']],
        ['Balakirev/Islamey', 'Balakirev/Islamey', ['Lone']],
      ],
    );
    const bach = c.folders[0]!;
    assert.equal(bach.scorePath, path.join(dir, 'Bach/Fugue/bwv_846/midi_score.mid'));
    assert.equal(bach.scoreAnnotationsPath, path.join(dir, 'Bach/Fugue/bwv_846/midi_score_annotations.txt'));
    assert.deepEqual(bach.performances[0], {
      name: 'Abe01',
      midiPath: path.join(dir, 'Bach/Fugue/bwv_846/Abe01.mid'),
      matchPath: path.join(dir, 'Bach/Fugue/bwv_846/Abe01.match.gz'),
    });
    assert.equal(bach.performances[1]!.annotationsPath, path.join(dir, 'Bach/Fugue/bwv_846/Shi05M_annotations.txt'));
    assert.equal(c.folders[1]!.scoreAnnotationsPath, undefined);
    assert.equal(c.errors.length, 2);
    assert.match(c.errors[0]!, /Lone\.mid: performance has neither Lone\.match\.gz nor Lone_annotations\.txt/);
    assert.match(c.errors[1]!, /Orphan\.match\.gz: match file without its performance MIDI/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing corpus folder is one error, not a throw', () => {
  const c = listCorpus('/nonexistent/asap');
  assert.deepEqual(c.folders, []);
  assert.deepEqual(c.errors, ['/nonexistent/asap: corpus folder not found or not a directory']);
});

test('piece groups: variants, prelude + fugue, sonata movements, cycles', () => {
  const cases: Array<[string, string]> = [
    ['Beethoven/Piano_Sonatas/17-1', 'Beethoven/Piano_Sonatas/17'],
    ['Beethoven/Piano_Sonatas/17-1_no_repeat', 'Beethoven/Piano_Sonatas/17'],
    ['Beethoven/Piano_Sonatas/31-3_4', 'Beethoven/Piano_Sonatas/31'],
    ['Beethoven/Piano_Sonatas/9-2_no_trio', 'Beethoven/Piano_Sonatas/9'],
    ['Haydn/Keyboard_Sonatas/39-3', 'Haydn/Keyboard_Sonatas/39'],
    ['Scriabin/Sonatas/5', 'Scriabin/Sonatas/5'],
    ['Bach/Prelude/bwv_848', 'Bach/bwv_848'],
    ['Bach/Fugue/bwv_848', 'Bach/bwv_848'],
    ['Chopin/Sonata_2/3rd_extra_repeat', 'Chopin/Sonata_2'],
    ['Chopin/Sonata_2/1st_no_repeat', 'Chopin/Sonata_2'],
    ['Schumann/Kreisleriana/1_no_first_repeat', 'Schumann/Kreisleriana'],
    ['Schumann/Toccata_repeat', 'Schumann/Toccata'],
    ['Liszt/Gran_Etudes_de_Paganini/6_Theme_and_Variations_repeat', 'Liszt/Gran_Etudes_de_Paganini/6_Theme_and_Variations'],
    ['Chopin/Etudes_op_10/12', 'Chopin/Etudes_op_10/12'],
    ['Glinka/The_Lark', 'Glinka/The_Lark'],
  ];
  for (const [id, group] of cases) assert.equal(pieceGroup(id), group, id);
});

test('real corpus: listing counts, and folders cut from one MAESTRO recording share a group', (t) => {
  const metadata = path.join(asapDir, 'metadata.csv');
  if (!existsSync(metadata)) {
    t.skip(`ASAP corpus not found at ${asapDir}`);
    return;
  }
  const c = listCorpus(asapDir);
  assert.deepEqual(c.errors, []);
  assert.equal(c.folders.length, 218);
  assert.equal(c.folders.reduce((n, f) => n + f.performances.length, 0), 967);
  const ids = c.folders.map((f) => f.id);
  assert.deepEqual([...ids].sort(), ids, 'sorted by id');
  const groupOf = new Map(c.folders.map((f) => [f.id, f.group]));
  const [header, ...rows] = readFileSync(metadata, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const folderCol = cols.indexOf('folder');
  const recordingCol = cols.indexOf('maestro_midi_performance');
  const byRecording = new Map<string, Set<string>>();
  for (const row of rows) {
    const cells = row.split(',');
    const recording = cells[recordingCol]!;
    if (!recording) continue; // Unknown recording: nothing to check.
    const set = byRecording.get(recording) ?? new Set<string>();
    set.add(cells[folderCol]!);
    byRecording.set(recording, set);
  }
  let shared = 0;
  for (const [recording, folders] of byRecording) {
    const groups = new Set([...folders].map((f) => groupOf.get(f)));
    assert.equal(groups.size, 1, `${recording} spans groups ${[...groups].join(', ')}`);
    if (folders.size > 1) shared++;
  }
  assert.ok(shared >= 40, `expected many shared recordings, saw ${shared}`);
  // Faliks01 in 32-1_no_repeat has a match file but no beat annotations.
  const faliks = c.folders.find((f) => f.id === 'Beethoven/Piano_Sonatas/32-1_no_repeat')!.performances.find((p) => p.name === 'Faliks01')!;
  assert.equal(faliks.annotationsPath, undefined);
  assert.ok(faliks.matchPath);
});
