// Writes test/fixtures/normalizer/ (names.json, tiny.onnx, goldens) for the normalizer's ONNX tests.
// Run: npx tsx scripts/make-normalizer-fixture.ts [python3]   (needs an interpreter that imports torch and onnx)

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displacementBinNames } from '../server/normalize/editSpace';
import { NORMALIZER_FEATURE_NAMES } from '../server/normalize/features';

const out = path.join(__dirname, '..', 'test', 'fixtures', 'normalizer');
mkdirSync(out, { recursive: true });
const names = path.join(out, 'names.json');
writeFileSync(names, JSON.stringify({ feature_names: NORMALIZER_FEATURE_NAMES, class_names: displacementBinNames() }, null, 2) + '\n');
const python = process.argv[2] ?? 'python3';
const r = spawnSync(python, [path.join(__dirname, 'make-normalizer-fixture.py'), '--names', names, '--out', out], { stdio: 'inherit' });
process.exit(r.status ?? 1);
