// Shared by the inference tests: the committed tiny ONNX model and its PyTorch goldens (scripts/make-onnx-fixture.py).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeNpy, type NpyArray } from '../../../server/dataset/npy';

export const fixtureDir = path.resolve(__dirname, '../../fixtures/onnx');
export const tinyModel = path.join(fixtureDir, 'tiny.onnx');

export interface GoldenCase {
  name: string;
  lengths: number[];
  arrays: Record<'features' | 'style' | 'mask' | 'mean' | 'logvar', NpyArray>;
}

interface GoldenIndex {
  cases: Record<string, { lengths: number[]; files: Record<string, string> }>;
}

export function goldenCases(): GoldenCase[] {
  const index = JSON.parse(readFileSync(path.join(fixtureDir, 'golden.json'), 'utf8')) as GoldenIndex;
  return Object.entries(index.cases).map(([name, c]) => {
    const load = (key: string): NpyArray => {
      const file = path.join(fixtureDir, c.files[key]!);
      return decodeNpy(readFileSync(file), file);
    };
    return {
      name,
      lengths: c.lengths,
      arrays: { features: load('features'), style: load('style'), mask: load('mask'), mean: load('mean'), logvar: load('logvar') },
    };
  });
}
