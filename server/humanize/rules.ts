// Rule-based humanizer: phrase arcs in tempo and dynamics, melody lead, metric accents, final
// ritardando and pedalling on harmony changes. Needs no model; deterministic.

import { emptyExpression, type Expression } from '../features/expression';
import { feature, type ScoreAnalysis } from '../features/scoreFeatures';
import type { Style } from '../features/style';
import { phrasePositions } from './phrase';
import { gaussian, mulberry32 } from '../prng';

/** Slow at phrase ends, fast in the middle; mean 0 over a phrase. Positive = slower (longer IOI). */
function arc(x: number): number {
  return (2 * x - 1) ** 2 - 1 / 3;
}

/**
 * Weights of the tempo rules (before scaling to the style's rubato). Signs follow the performance
 * literature (Friberg et al., "Overview of the KTH rule system"): dense passages are pressed on,
 * long notes lengthened, arrivals on downbeats and at phrase starts given time, and each two-bar
 * unit shaped as an arc. Sizes were chosen by hand, each rule checked on the train split only.
 */
const TEMPO_RULES = { rushDense: -0.3, durationalContrast: 0.15, downbeatArrival: 0.2, phraseBreath: 0.2, phraseArc: 0.1 };

/** How much slower (log IOI ratio) the very last IOI is than the phrase tempo, per unit of rubato. */
const FINAL_RITARDANDO_PER_RUBATO = 3.5;
/** Melody lead: the top voice sounds this much before the rest of its chord. */
const MELODY_LEAD_SEC = 0.018;
/** Spread of the other notes of a chord around their onset (seeded, so still reproducible). */
const CHORD_SPREAD_SD_SEC = 0.008;
/**
 * Dynamics rules, in standard deviations of the notated dynamics before scaling to the style's
 * range: melody (top voice) over bass, higher notes brighter, graces light, a metric accent on the
 * downbeat and a swell over each two-bar unit. Checked on the train split only.
 */
const VOICE_ACCENT = { top: 0.4, bottom: -0.3, grace: -0.5 };
const DYNAMICS_RULES = { pitchHeight: 0.5, downbeat: 0.1, phraseSwell: 0.1 };
/** Level used when the score's velocities are flat (carry no notated dynamics). */
const FLAT_SCORE_LEVEL = 64;

export function rulesExpression(a: ScoreAnalysis, style: Style, seed = 0): Expression {
  const rng = mulberry32(seed);
  const G = a.groups.length;
  const N = a.doc.notes.length;
  const e = emptyExpression(G, N);
  if (N === 0) return e;
  const pp = phrasePositions(a);

  // Tempo: each rule a musical habit, their sum scaled to the requested rubato, then the final
  // ritardando on top. Positive = slower (a longer IOI than notated).
  const curve = new Float64Array(G);
  const density = a.groups.map((g) => feature(a, g.noteIndices[0]!, 'local_density'));
  const arrivalIoi = a.groups.map((_, g) => (g > 0 ? Math.log(a.groups[g]!.tick - a.groups[g - 1]!.tick) : 0));
  const zDensity = zScores(density);
  const zIoi = zScores(arrivalIoi);
  for (let g = 0; g < G; g++) {
    const first = a.groups[g]!.principal[0] ?? a.groups[g]!.noteIndices[0]!;
    const newPhrase = g > 0 && pp.phrase[g]! < pp.phrase[g - 1]! ? 1 : 0;
    curve[g] =
      TEMPO_RULES.rushDense * zDensity[g]! +
      TEMPO_RULES.durationalContrast * zIoi[g]! +
      TEMPO_RULES.downbeatArrival * feature(a, first, 'is_downbeat') +
      TEMPO_RULES.phraseBreath * newPhrase +
      TEMPO_RULES.phraseArc * arc(pp.half[g]!);
  }
  const scaled = scaleToStd(curve, style.rubato);
  for (let g = 0; g < G; g++) {
    e.tempo[g] = style.tempo + scaled[g]! + FINAL_RITARDANDO_PER_RUBATO * style.rubato * pp.finalStretch[g]! ** 2;
  }
  e.initTempo = style.tempo;
  e.startSec = 0;

  // Dynamics: notated dynamics (when the score has them), then voicing — melody over bass, higher
  // lines brighter — with a light metric accent and phrase swell; scaled to the style's range.
  const scoreVel = a.doc.notes.map((n) => n.velocity);
  const notated = new Set(scoreVel).size >= 3;
  const zNotated = notated ? zScores(scoreVel) : scoreVel.map(() => 0);
  const zPitch = zScores(a.doc.notes.map((n) => n.pitch));
  const dyn = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const g = a.groupOf[i]!;
    const grace = feature(a, i, 'is_grace') === 1;
    const voice = grace ? VOICE_ACCENT.grace : feature(a, i, 'is_top_voice') === 1 ? VOICE_ACCENT.top : feature(a, i, 'is_bottom_voice') === 1 ? VOICE_ACCENT.bottom : 0;
    dyn[i] =
      zNotated[i]! +
      DYNAMICS_RULES.pitchHeight * zPitch[i]! +
      voice +
      DYNAMICS_RULES.downbeat * feature(a, i, 'is_downbeat') +
      DYNAMICS_RULES.phraseSwell * Math.sin(Math.PI * pp.half[g]!);
  }
  const level = notated ? mean(scoreVel) : FLAT_SCORE_LEVEL;
  const dynScaled = scaleToStd(dyn, style.dynamics);
  for (let i = 0; i < N; i++) e.velocity[i] = Math.min(127, Math.max(1, Math.round(level + dynScaled[i]!)));

  // Timing within chords and articulation.
  for (let i = 0; i < N; i++) {
    const g = a.groupOf[i]!;
    const grace = feature(a, i, 'is_grace') === 1;
    const top = feature(a, i, 'is_top_voice') === 1 && feature(a, i, 'chord_size') > 1;
    // Hands never strike a chord at one instant: a small seeded spread around the melody lead.
    e.asyncSec[i] = (grace ? -0.06 : top ? -MELODY_LEAD_SEC : 0) + CHORD_SPREAD_SD_SEC * gaussian(rng);
    const durQ = feature(a, i, 'duration_beats');
    const phraseEnd = pp.phrase[g]! > 0.85 ? 0.1 : 0;
    e.articulation[i] = grace ? Math.log(2) : style.articulation + (durQ <= 0.25 ? -0.1 : 0) + phraseEnd;
  }

  pedalOnHarmonyChanges(a, style.pedal, e);
  return e;
}

/**
 * Pedal down through each harmony, changed (released on the new harmony's attack, pressed again
 * just after) where the bass moves on a beat. The `pedal` amount picks how much of the piece is
 * pedalled: the densest passages (scales, runs) are the first left dry.
 */
function pedalOnHarmonyChanges(a: ScoreAnalysis, amount: number, e: Expression): void {
  const G = a.groups.length;
  const density = a.groups.map((g) => feature(a, g.noteIndices[0]!, 'local_density'));
  const sorted = [...density].sort((x, y) => x - y);
  const limit = amount <= 0 ? -Infinity : sorted[Math.min(G - 1, Math.floor(Math.min(1, amount) * G))] ?? Infinity;
  let prevBassPc = -1;
  let prevPedalled = false;
  for (let g = 0; g < G; g++) {
    const grp = a.groups[g]!;
    const bass = Math.min(...grp.principal.map((i) => a.doc.notes[i]!.pitch));
    const onBeat = feature(a, grp.principal[0] ?? grp.noteIndices[0]!, 'is_on_beat') === 1;
    const pedalled = amount > 0 && density[g]! <= limit;
    const change = pedalled && (!prevPedalled || (onBeat && bass % 12 !== prevBassPc));
    for (const i of grp.noteIndices) {
      e.pedalOnset[i] = pedalled ? (change ? 0 : 1) : 0;
      e.pedalOffset[i] = pedalled ? 1 : 0;
    }
    if (change || !pedalled) prevBassPc = bass % 12;
    prevPedalled = pedalled;
  }
}

function zScores(xs: readonly number[]): number[] {
  const m = mean([...xs]);
  const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) || 1;
  return xs.map((x) => (x - m) / sd);
}

function scaleToStd(x: Float64Array, target: number): Float64Array {
  const m = mean([...x]);
  let v = 0;
  for (const xi of x) v += (xi - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, x.length));
  const k = sd > 1e-12 ? target / sd : 0;
  return x.map((xi) => (xi - m) * k);
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}
