// Slider ranges for the five style descriptors (server/features/style.ts says what each one means).
// Ranges cover the values the ASAP corpus shows, with room on both sides.

import { STYLE_DOC, STYLE_NAMES, type StyleName } from '../features/style';
import type { StyleSliderSpec } from '../protocol/preview';

const RANGES: Record<StyleName, { label: string; min: number; max: number; step: number }> = {
  rubato: { label: 'Rubato', min: 0, max: 0.4, step: 0.005 },
  dynamics: { label: 'Dynamics', min: 0, max: 25, step: 0.5 },
  articulation: { label: 'Articulation', min: -1, max: 0.3, step: 0.01 },
  pedal: { label: 'Pedal', min: 0, max: 1, step: 0.01 },
  tempo: { label: 'Tempo', min: -0.4, max: 0.4, step: 0.01 },
};

export const STYLE_SLIDERS: StyleSliderSpec[] = STYLE_NAMES.map((name) => ({ name, ...RANGES[name], doc: STYLE_DOC[name] }));
