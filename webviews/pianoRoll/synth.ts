// A small offline piano voice for WebAudio, synthesized (no samples, nothing fetched): a few
// inharmonic-ish partials whose brightness follows velocity, a hammer-like attack and a decay that is
// longer for low keys, as a struck string's is. The fallback when the SoundFont piano (sf2Synth.ts)
// cannot load; our own synthesis, so it ships under our licence.

export interface Voice {
  /** Cuts the note now (pause, seek). */
  stop(): void;
}

/** What the player plays notes on: this synthesized voice, or the SoundFont piano (sf2Synth.ts). */
export interface Instrument {
  readonly ctx: BaseAudioContext;
  /** A note from `onSec` to its release at `offSec` (AudioContext times; the pedal already applied). */
  note(pitch: number, velocity: number, onSec: number, offSec: number): Voice;
}

const midiHz = (p: number): number => 440 * 2 ** ((p - 69) / 12);

export class PianoSynth implements Instrument {
  readonly ctx: AudioContext;
  private readonly out: GainNode;
  private readonly waves = new Map<number, PeriodicWave>();

  constructor(ctx: AudioContext) {
    this.ctx = ctx;
    const comp = ctx.createDynamicsCompressor();
    comp.threshold.value = -18;
    comp.ratio.value = 4;
    this.out = ctx.createGain();
    this.out.gain.value = 0.5;
    this.out.connect(comp).connect(ctx.destination);
  }

  /** Partial amplitudes: brighter for louder notes and for lower keys (more audible partials). */
  private wave(velocity: number, pitch: number): PeriodicWave {
    const vb = Math.min(3, Math.floor(velocity / 32));
    const pb = pitch < 48 ? 0 : pitch < 72 ? 1 : 2;
    const key = vb * 3 + pb;
    let w = this.waves.get(key);
    if (!w) {
      const n = [14, 10, 6][pb]!;
      const real = new Float32Array(n + 1);
      const imag = new Float32Array(n + 1);
      const bright = 0.35 + vb * 0.15;
      for (let h = 1; h <= n; h++) imag[h] = (bright ** (h - 1)) / h ** 0.6 * (h % 7 === 0 ? 0.3 : 1);
      w = this.ctx.createPeriodicWave(real, imag);
      this.waves.set(key, w);
    }
    return w;
  }

  note(pitch: number, velocity: number, onSec: number, offSec: number): Voice {
    const v = this.noteOn(pitch, velocity, onSec);
    v.release(offSec);
    return v;
  }

  /** Starts a note at AudioContext time `atSec`. */
  private noteOn(pitch: number, velocity: number, atSec: number): Voice & { release(atSec: number): void } {
    const ctx = this.ctx;
    const osc = ctx.createOscillator();
    osc.setPeriodicWave(this.wave(velocity, pitch));
    osc.frequency.value = midiHz(pitch);
    // Slight detuned second string, as unison strings beat.
    const osc2 = ctx.createOscillator();
    osc2.setPeriodicWave(this.wave(velocity, pitch));
    osc2.frequency.value = midiHz(pitch) * 1.0008;
    const env = ctx.createGain();
    const peak = ((velocity / 127) ** 1.6) * 0.35;
    const decaySec = 2.5 * 2 ** (-(pitch - 48) / 24);
    env.gain.setValueAtTime(0, atSec);
    env.gain.linearRampToValueAtTime(peak, atSec + 0.004);
    env.gain.setTargetAtTime(peak * 0.35, atSec + 0.004, 0.08);
    env.gain.setTargetAtTime(0, atSec + 0.1, decaySec);
    const half = ctx.createGain();
    half.gain.value = 0.5;
    osc.connect(half);
    osc2.connect(half);
    half.connect(env).connect(this.out);
    osc.start(atSec);
    osc2.start(atSec);
    let ended = false;
    const end = (when: number): void => {
      if (ended) return;
      ended = true;
      try {
        osc.stop(when);
        osc2.stop(when);
      } catch {
        // already stopped
      }
    };
    return {
      release: (t: number) => {
        const at = Math.max(t, atSec + 0.01);
        env.gain.cancelScheduledValues(at);
        env.gain.setTargetAtTime(0, at, 0.06);
        end(at + 0.5);
      },
      stop: () => {
        const now = ctx.currentTime;
        env.gain.cancelScheduledValues(now);
        env.gain.setValueAtTime(env.gain.value, now);
        env.gain.linearRampToValueAtTime(0, now + 0.02);
        end(now + 0.03);
      },
    };
  }
}
