// A SoundFont voice's loudness over time as AudioParam events, cut at the note's release: delay, linear
// attack to the peak, hold, a decay linear in dB toward the sustain level, then a release falling
// 96 dB over releaseSec (the spec's full-scale ramp). Computed in one go because the player knows
// each note's release when it schedules it, so no ramp ever has to be cancelled half-way. Pure.

import { envelopeTimes, type Sf2Region } from './sf2Regions';

export type EnvEvent =
  | { kind: 'set'; value: number; atSec: number }
  | { kind: 'linear'; value: number; atSec: number }
  | { kind: 'exp'; value: number; atSec: number }
  | { kind: 'target'; value: number; atSec: number; tauSec: number };

/** dB the decay and release cover in their full time (SoundFont 2.04: 100% of the 96 dB range). */
const FULL_SCALE_DB = 96;
/** Quieter than this (dB below peak) is silence: the voice may stop. */
const SILENT_DB = 100;
/** Shortest release, so a zero release does not click. */
const MIN_RELEASE_SEC = 0.006;

export interface Envelope {
  events: EnvEvent[];
  /** When the voice is silent and its source may stop. */
  endSec: number;
}

/** `peak` is the linear gain at the top of the attack; `onSec`/`offSec` AudioContext times. */
export function envelopeEvents(r: Sf2Region, key: number, peak: number, onSec: number, offSec: number): Envelope {
  const { holdSec, decaySec } = envelopeTimes(r, key);
  const sustainDb = Math.min(r.sustainCb / 10, SILENT_DB);
  const t0 = onSec + r.delaySec;
  const tA = t0 + r.attackSec;
  const tH = tA + holdSec;
  const decayDur = decaySec * (sustainDb / FULL_SCALE_DB);
  const tD = tH + decayDur;
  const floor = peak * 10 ** (-SILENT_DB / 20);
  const sustain = Math.max(floor, peak * 10 ** (-sustainDb / 20));
  /** The envelope's value at `t` with no release. */
  const level = (t: number): number => {
    if (t <= t0) return 0;
    if (t < tA) return (peak * (t - t0)) / (tA - t0);
    if (t <= tH) return peak;
    if (t < tD) return peak * 10 ** (-(sustainDb * (t - tH)) / decayDur / 20);
    return sustain;
  };
  const off = Math.max(offSec, onSec);
  const ev: EnvEvent[] = [{ kind: 'set', value: 0, atSec: onSec }];
  if (off > t0) {
    if (tA > t0) ev.push({ kind: 'set', value: 0, atSec: t0 }, { kind: 'linear', value: level(Math.min(tA, off)), atSec: Math.min(tA, off) });
    else ev.push({ kind: 'set', value: peak, atSec: t0 });
    if (off > tH && decayDur > 0) ev.push({ kind: 'set', value: peak, atSec: tH }, { kind: 'exp', value: Math.max(floor, level(Math.min(tD, off))), atSec: Math.min(tD, off) });
    else if (off > tH) ev.push({ kind: 'set', value: sustain, atSec: tH });
  }
  const releaseSec = Math.max(MIN_RELEASE_SEC, r.releaseSec);
  // setTargetAtTime falls e-fold per tau; 96 dB is ln(10^(96/20)) ≈ 11.05 e-folds.
  const tau = releaseSec / Math.log(10 ** (FULL_SCALE_DB / 20));
  ev.push({ kind: 'set', value: level(off), atSec: off }, { kind: 'target', value: 0, atSec: off, tauSec: tau });
  // Silent at the end of the release, or earlier when the sustain is already silence.
  const silentSustainAt = sustainDb >= SILENT_DB ? tD : Infinity;
  return { events: ev, endSec: Math.min(off + releaseSec * (SILENT_DB / FULL_SCALE_DB), Math.max(silentSustainAt, onSec + 0.01)) };
}

/** Writes the events onto an AudioParam. */
export function applyEnvelope(param: AudioParam, events: readonly EnvEvent[]): void {
  for (const e of events) {
    if (e.kind === 'set') param.setValueAtTime(e.value, e.atSec);
    else if (e.kind === 'linear') param.linearRampToValueAtTime(e.value, e.atSec);
    else if (e.kind === 'exp') param.exponentialRampToValueAtTime(e.value, e.atSec);
    else param.setTargetAtTime(e.value, e.atSec, e.tauSec);
  }
}
