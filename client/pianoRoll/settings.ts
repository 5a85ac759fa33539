// The piano-roll document's editable state: the humanize settings (style sliders, strength, method,
// normalize first).
// Equality, the hot-exit backup format, and where a humanized file goes. Pure.

import { checkNormalizeFlag, checkPreviewStyle, checkStrength, PREVIEW_METHODS, type PreviewMethod, type PreviewStyle, type StyleSliderSpec } from '../../server/protocol';

export interface HumanizeSettings {
  style: PreviewStyle;
  strength: number;
  method: PreviewMethod;
  /** Normalize in memory before humanizing (issue 7); absent = off. */
  normalize?: boolean;
}

/** Full strength unless the user lowers it; the view's default too. */
export const DEFAULT_STRENGTH = 1;

export function sameSettings(a: HumanizeSettings | null, b: HumanizeSettings | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.strength !== b.strength || a.method !== b.method || !!a.normalize !== !!b.normalize) return false;
  return (Object.keys(a.style) as (keyof PreviewStyle)[]).every((k) => a.style[k] === b.style[k]);
}

/** The view's strength slider step (webviews/pianoRoll/controls.ts). */
export const STRENGTH_STEP = 0.01;

/**
 * Equal up to the sliders' resolution: a range input snaps a value to its step, so the settings the view
 * sends back for unmoved sliders differ from ours by less than half a step. Such a difference is no edit.
 */
export function sameWithinSteps(a: HumanizeSettings | null, b: HumanizeSettings | null, sliders: readonly StyleSliderSpec[]): boolean {
  if (a === null || b === null) return a === b;
  if (a.method !== b.method || !!a.normalize !== !!b.normalize || Math.abs(a.strength - b.strength) > STRENGTH_STEP / 2 + 1e-9) return false;
  return (Object.keys(a.style) as (keyof PreviewStyle)[]).every((k) => {
    const step = sliders.find((sl) => sl.name === k)?.step ?? 0;
    return Math.abs(a.style[k] - b.style[k]) <= step / 2 + 1e-9;
  });
}

export function checkSettings(x: unknown): string | null {
  if (typeof x !== 'object' || x === null) return 'settings must be an object';
  const s = x as Record<string, unknown>;
  return (
    checkPreviewStyle(s.style) ??
    checkStrength(s.strength) ??
    (PREVIEW_METHODS.includes(s.method as PreviewMethod) ? null : `method must be one of ${PREVIEW_METHODS.join(', ')}`) ??
    checkNormalizeFlag(s.normalize)
  );
}

/** What a hot-exit backup holds: the unsaved settings and the last saved ones (the .mid bytes are on disk, never changed). */
export interface PianoRollBackup {
  version: 1;
  settings: HumanizeSettings | null;
  savedSettings: HumanizeSettings | null;
}

export function encodeBackup(b: Omit<PianoRollBackup, 'version'>): string {
  return JSON.stringify({ version: 1, settings: b.settings, savedSettings: b.savedSettings } satisfies PianoRollBackup);
}

/** Parses a backup; a damaged one is an Error naming the problem (the editor then opens without it). */
export function decodeBackup(text: string): PianoRollBackup {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (err) {
    throw new Error(`piano-roll backup is not JSON: ${(err as Error).message}`);
  }
  const b = x as Record<string, unknown> | null;
  if (!b || b.version !== 1) throw new Error('piano-roll backup has an unknown version');
  for (const k of ['settings', 'savedSettings'] as const) {
    if (b[k] !== null) {
      const bad = checkSettings(b[k]);
      if (bad) throw new Error(`piano-roll backup ${k}: ${bad}`);
    }
  }
  return { version: 1, settings: b.settings as HumanizeSettings | null, savedSettings: b.savedSettings as HumanizeSettings | null };
}

/** `<dir>/<name>.humanized.mid` (keeps `.midi`), the same rule as the CLI and the server. */
export function humanizedPathFor(fsPath: string): string {
  const m = /^(.*?)(\.midi?)$/i.exec(fsPath);
  return m ? `${m[1]}.humanized${m[2]}` : `${fsPath}.humanized.mid`;
}

/** Paths compare case-insensitively on Windows and macOS file systems. */
export function samePath(a: string, b: string, platform: NodeJS.Platform): boolean {
  const norm = (p: string): string => p.replace(/[\\/]+/g, '/').replace(/\/$/, '');
  return platform === 'linux' ? norm(a) === norm(b) : norm(a).toLowerCase() === norm(b).toLowerCase();
}
