// The models shipped with Rubato (models/ beside native/ in a checkout or an installed extension) and the
// humanizer the user chose instead (`rubato.defaultModel`). Every caller that needs "the default model"
// asks here, so the CLI, the piano roll, the eval viewer and the normalizer agree on one lookup.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { findNativeRoot } from '../python/nativeRoot';

export const BUNDLED_FILES = {
  humanizer: 'models/performancenet.onnx',
  normalizer: 'models/normalizer.onnx',
} as const;

export type BundledModel = keyof typeof BUNDLED_FILES;

/** Absolute path of a bundled model, or undefined when this installation lacks it. */
export function bundledModelPath(which: BundledModel): string | undefined {
  try {
    const p = path.join(findNativeRoot(), BUNDLED_FILES[which]);
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

let userHumanizer = '';

/** The server sets this from `rubato.defaultModel` ('' = the bundled model). */
export function setDefaultHumanizer(modelPath: string): void {
  userHumanizer = modelPath;
}

/**
 * The humanizer used when none is named: the user's `rubato.defaultModel` when it exists, else the bundled
 * model. A configured model that has gone missing falls back to the bundled one; `problem` says so.
 */
export function defaultHumanizer(): { path: string | undefined; problem: string | null } {
  if (userHumanizer) {
    if (existsSync(userHumanizer)) return { path: userHumanizer, problem: null };
    return { path: bundledModelPath('humanizer'), problem: `rubato.defaultModel ${userHumanizer} does not exist; using the bundled model` };
  }
  return { path: bundledModelPath('humanizer'), problem: null };
}
