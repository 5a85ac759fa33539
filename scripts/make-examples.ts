// Writes the bundled example scores in examples/ from note lists typed here (public-domain music,
// our own transcription, so the repo carries no data from the licensed corpus).
// Run: npx tsx scripts/make-examples.ts   (rewrites examples/*.mid; they are committed)

import path from 'node:path';
import type { MidiDoc, Note } from '../server/midi/model';
import { TimeMap } from '../server/midi/timeMap';
import { writeMidiFile } from '../server/midi/write';

const PPQ = 480;
const NAMES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** "C#4" → 61. */
function key(name: string): number {
  const m = /^([A-G])(#|b)?(-?\d)$/.exec(name);
  if (!m) throw new Error(`bad note name ${name}`);
  return 12 * (Number(m[3]) + 1) + NAMES[m[1]!]! + (m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0);
}

interface Score {
  name: string;
  bpm: number;
  ts: [number, number];
  notes: { pitch: number; onsetQ: number; durQ: number; velocity: number; track: number }[];
}

function toDoc(s: Score): MidiDoc {
  const usPerQuarter = Math.round(60e6 / s.bpm);
  const tm = new TimeMap(PPQ, [{ tick: 0, usPerQuarter }]);
  const notes: Note[] = s.notes
    .map((n) => {
      const onsetTick = Math.round(n.onsetQ * PPQ);
      const offsetTick = Math.round((n.onsetQ + n.durQ) * PPQ);
      return { pitch: n.pitch, velocity: n.velocity, onsetTick, offsetTick, onsetSec: tm.tickToSec(onsetTick), offsetSec: tm.tickToSec(offsetTick), track: n.track, channel: 0 };
    })
    .sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch);
  return {
    source: s.name,
    format: 1,
    ppq: PPQ,
    notes,
    sustain: [],
    pedal: [],
    tempos: [...tm.tempos],
    timeSignatures: [{ tick: 0, numerator: s.ts[0], denominator: s.ts[1] }],
    keySignatures: [{ tick: 0, sharps: s.name.includes('minuet') ? 1 : 0, mode: 'major' }],
    trackNames: ['right hand', 'left hand'],
    endTick: notes.reduce((m, n) => Math.max(m, n.offsetTick), 0),
    warnings: [],
  };
}

/** J.S. Bach, Prelude in C major BWV 846: the five-voice harmony of each bar, arpeggiated as Bach wrote it. */
function prelude(): Score {
  const bars = [
    'C4 E4 G4 C5 E5', 'C4 D4 A4 D5 F5', 'B3 D4 G4 D5 F5', 'C4 E4 G4 C5 E5', 'C4 E4 A4 E5 A5', 'C4 D4 F#4 A4 D5',
    'B3 D4 G4 D5 G5', 'B3 C4 E4 G4 C5', 'A3 C4 E4 G4 C5', 'D3 A3 D4 F#4 C5', 'G3 B3 D4 G4 B4', 'G3 Bb3 E4 G4 C#5',
    'F3 A3 D4 A4 D5', 'F3 Ab3 D4 F4 B4', 'E3 G3 C4 G4 C5', 'E3 F3 A3 C4 F4', 'D3 F3 A3 C4 F4', 'G2 D3 G3 B3 F4',
    'C3 E3 G3 C4 E4', 'C3 G3 Bb3 C4 E4', 'F2 F3 A3 C4 E4', 'F#2 C3 A3 C4 Eb4', 'Ab2 F3 B3 C4 D4', 'G2 F3 G3 B3 D4',
    'G2 E3 G3 C4 E4', 'G2 D3 G3 C4 F4', 'G2 D3 G3 B3 F4', 'G2 Eb3 A3 C4 F#4', 'G2 E3 G3 C4 G4', 'G2 D3 G3 C4 F4',
    'G2 D3 G3 B3 F4', 'C2 C3 G3 Bb3 E4',
  ].map((b) => b.split(' ').map(key));
  const notes: Score['notes'] = [];
  bars.forEach((v, bar) => {
    for (let half = 0; half < 2; half++) {
      const t0 = bar * 4 + half * 2;
      notes.push({ pitch: v[0]!, onsetQ: t0, durQ: 2, velocity: 64, track: 1 });
      notes.push({ pitch: v[1]!, onsetQ: t0 + 0.25, durQ: 1.75, velocity: 64, track: 1 });
      const fig = [v[2]!, v[3]!, v[4]!, v[2]!, v[3]!, v[4]!];
      fig.forEach((p, k) => notes.push({ pitch: p, onsetQ: t0 + 0.5 + k * 0.25, durQ: 0.25, velocity: 64, track: 0 }));
    }
  });
  // Closing bars: a free cadenza figure over the tonic pedal, then the final chord.
  const end = bars.length * 4;
  notes.push({ pitch: key('C2'), onsetQ: end, durQ: 8, velocity: 64, track: 1 });
  notes.push({ pitch: key('C3'), onsetQ: end + 0.25, durQ: 3.75, velocity: 64, track: 1 });
  ['F3', 'A3', 'C4', 'F4', 'C4', 'A3', 'C4', 'A3', 'F3', 'A3', 'F3', 'D3', 'F3', 'D3'].forEach((n, k) =>
    notes.push({ pitch: key(n), onsetQ: end + 0.5 + k * 0.25, durQ: 0.25, velocity: 64, track: 0 }),
  );
  notes.push({ pitch: key('B2'), onsetQ: end + 4.25, durQ: 3.75, velocity: 64, track: 1 });
  ['G4', 'B4', 'D5', 'F5', 'D5', 'B4', 'D5', 'B4', 'G4', 'B4', 'D4', 'F4', 'E4', 'D4'].forEach((n, k) =>
    notes.push({ pitch: key(n), onsetQ: end + 4.5 + k * 0.25, durQ: 0.25, velocity: 64, track: 0 }),
  );
  for (const n of ['C2', 'C3']) notes.push({ pitch: key(n), onsetQ: end + 8, durQ: 4, velocity: 64, track: 1 });
  for (const n of ['E4', 'G4', 'C5']) notes.push({ pitch: key(n), onsetQ: end + 8, durQ: 4, velocity: 64, track: 0 });
  return { name: 'prelude-c-major.mid', bpm: 66, ts: [4, 4], notes };
}

/** Minuet in G major (Petzold, BWV Anh. 114), first 16 bars: melody with a plain bass, flat velocities. */
function minuet(): Score {
  // The piece repeats its opening six bars; only the two closing bars of each half differ.
  const opening: [string, number][][] = [
    [['D5', 1], ['G4', 0.5], ['A4', 0.5], ['B4', 0.5], ['C5', 0.5]],
    [['D5', 1], ['G4', 1], ['G4', 1]],
    [['E5', 1], ['C5', 0.5], ['D5', 0.5], ['E5', 0.5], ['F#5', 0.5]],
    [['G5', 1], ['G4', 1], ['G4', 1]],
    [['C5', 1], ['D5', 0.5], ['C5', 0.5], ['B4', 0.5], ['A4', 0.5]],
    [['B4', 1], ['C5', 0.5], ['B4', 0.5], ['A4', 0.5], ['G4', 0.5]],
  ];
  const melody: [string, number][][] = [
    ...opening,
    [['F#4', 1], ['G4', 0.5], ['A4', 0.5], ['B4', 0.5], ['G4', 0.5]],
    [['A4', 3]],
    ...opening,
    [['A4', 1], ['B4', 0.5], ['A4', 0.5], ['G4', 0.5], ['F#4', 0.5]],
    [['G4', 3]],
  ];
  const bass: [string, number][][] = [
    [['G3', 2], ['A3', 1]], [['B3', 3]], [['C4', 3]], [['B3', 3]], [['A3', 3]], [['G3', 3]], [['D4', 2], ['B3', 1]],
    [['D4', 1], ['D3', 1], ['C4', 1]], [['B3', 3]], [['C4', 2], ['B3', 1]], [['A3', 2], ['G3', 1]], [['B3', 2], ['G3', 1]],
    [['C4', 3]], [['B3', 2], ['A3', 1]], [['D4', 1], ['D3', 1], ['F#3', 1]], [['G3', 2], ['G2', 1]],
  ];
  const notes: Score['notes'] = [];
  const add = (voice: [string, number][][], track: number): void =>
    voice.forEach((bar, b) => {
      let t = b * 3;
      for (const [n, d] of bar) {
        notes.push({ pitch: key(n), onsetQ: t, durQ: d, velocity: 80, track });
        t += d;
      }
    });
  add(melody, 0);
  add(bass, 1);
  return { name: 'minuet-g-major.mid', bpm: 120, ts: [3, 4], notes };
}

for (const s of [prelude(), minuet()]) {
  const file = path.join(__dirname, '..', 'examples', s.name);
  writeMidiFile(file, toDoc(s), { overwrite: true });
  console.log(`wrote ${file} (${s.notes.length} notes)`);
}
