// Writes examples/prelude-c-major.rough.mid: the bundled Bach prelude with seeded quantization noise
// (drifted bars, jitter, wrong durations, tempo events dropped/doubled), to try `rubato normalize` on.
// Run: npx tsx scripts/make-normalizer-example.ts   (deterministic; the output is committed)

import path from 'node:path';
import { readMidiFile } from '../server/midi/read';
import { writeMidiFile } from '../server/midi/write';
import { addNoise, DEFAULT_NOISE } from '../server/normalize/noise';

const SEED = 20240607;
const examples = path.join(__dirname, '..', 'examples');
const clean = readMidiFile(path.join(examples, 'prelude-c-major.mid'));
// More drift than the training default, so a short piece shows a few edits.
const noisy = addNoise(clean, SEED, { ...DEFAULT_NOISE, driftProb: 0.15 });
const out = path.join(examples, 'prelude-c-major.rough.mid');
writeMidiFile(out, { ...noisy.rough, source: out }, { overwrite: true });
const edits = [...noisy.labels].map((c, b) => [b + 1, c] as const).filter(([, c]) => c !== 0);
console.log(`wrote ${out} (${noisy.rough.notes.length} notes; drift at bars ${noisy.driftBars.map((b) => b + 1).join(', ')}; oracle edits at bars ${edits.map(([b]) => b).join(', ')})`);
