// The style a model is conditioned on when the user names none: the model's own defaults (the
// mean style of its training data, in its metadata), not the rules' hand-set defaults.

import { DEFAULT_STYLE, STYLE_NAMES, type Style } from '../features/style';
import { loadModel } from './onnxSession';

export async function modelStyleDefaults(modelPath: string): Promise<Style> {
  const { metadata } = await loadModel(modelPath);
  const out: Style = { ...DEFAULT_STYLE };
  for (const k of STYLE_NAMES) {
    const v = metadata.styleDefaults[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}
