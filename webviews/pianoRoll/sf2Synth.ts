// The SoundFont piano: each note plays the regions its key and velocity select as
// AudioBufferSourceNodes (pitch by playbackRate, the sample's loop), through a low-pass that closes
// for soft notes, a gain carrying the volume envelope, and a panner. Samples become AudioBuffers the
// first time a note needs them. No worklet and no library: WebAudio does the resampling and mixing.

import { applyEnvelope, envelopeEvents } from './sf2Envelope';
import { parseSf2, type Sf2File } from './sf2Parse';
import { playbackRate, presetRegions, regionsFor, type Sf2Region } from './sf2Regions';
import type { Instrument, Voice } from './synth';

export interface Sf2Bank {
  file: Sf2File;
  regions: Sf2Region[];
}

/** Fetches and reads the SoundFont at `url` (a webview resource URI) and flattens preset 0, bank 0. */
export async function loadSf2Bank(url: string): Promise<Sf2Bank> {
  const name = url.split('/').pop() ?? url;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  const file = parseSf2(new Uint8Array(await res.arrayBuffer()), name);
  const regions = presetRegions(file, 0, 0, name);
  if (!regions.length) throw new Error(`${name}: preset 0 has no playable zones`);
  return { file, regions };
}

/**
 * Velocity → gain: (v/127)², i.e. 40·log10(v/127) dB, the curve of the SoundFont default
 * velocity-to-attenuation modulator (and of General MIDI).
 */
export const velocityGain = (velocity: number): number => (Math.max(0, Math.min(127, velocity)) / 127) ** 2;

/**
 * Attenuation in centibels → gain. FluidSynth, and the EMU hardware FluidR3 was voiced on, apply 0.4
 * of the nominal attenuation; so do we, so the font's levels sound as its author heard them.
 */
const attenuationGain = (cb: number): number => 10 ** (-(cb * 0.4) / 200);

/** SoundFont default modulator: soft notes close the filter by up to 2400 cents (negative linear velocity). */
const velocityFilterCents = (velocity: number): number => -2400 * (1 - velocity / 128);
const OPEN_FILTER_CENTS = 13500;

/** What the headless test reads: how many sources were started and their last playback rates. */
export interface Sf2Stats {
  sources: number;
  lastRates: number[];
}

export class Sf2Synth implements Instrument {
  private readonly out: GainNode;
  private readonly buffers = new Map<string, AudioBuffer>();
  readonly stats: Sf2Stats = { sources: 0, lastRates: [] };

  constructor(
    readonly ctx: BaseAudioContext,
    private readonly bank: Sf2Bank,
    destination: AudioNode = ctx.destination,
  ) {
    const comp = ctx.createDynamicsCompressor();
    comp.threshold.value = -12;
    comp.ratio.value = 4;
    this.out = ctx.createGain();
    this.out.gain.value = 0.8;
    this.out.connect(comp).connect(destination);
  }

  private buffer(r: Sf2Region): AudioBuffer {
    const key = `${r.start}:${r.end}:${r.sampleRate}`;
    let b = this.buffers.get(key);
    if (!b) {
      const pcm = this.bank.file.pcm;
      const start = Math.max(0, Math.min(r.start, pcm.length));
      const end = Math.max(start + 1, Math.min(r.end, pcm.length));
      b = this.ctx.createBuffer(1, end - start, r.sampleRate);
      const ch = b.getChannelData(0);
      for (let i = 0; i < ch.length; i++) ch[i] = (pcm[start + i] ?? 0) / 32768;
      this.buffers.set(key, b);
    }
    return b;
  }

  note(pitch: number, velocity: number, onSec: number, offSec: number): Voice {
    const ctx = this.ctx;
    const parts: { src: AudioBufferSourceNode; env: GainNode }[] = [];
    for (const r of regionsFor(this.bank.regions, pitch, Math.round(velocity))) {
      const src = ctx.createBufferSource();
      src.buffer = this.buffer(r);
      src.playbackRate.value = playbackRate(r, pitch);
      // Modes 1 and 3 loop; mode 3 should stop looping at the release, but the release fades the voice
      // out anyway, so both loop to the end.
      if ((r.loopMode === 1 || r.loopMode === 3) && r.loopEnd > r.loopStart) {
        src.loop = true;
        src.loopStart = (r.loopStart - r.start) / r.sampleRate;
        src.loopEnd = (r.loopEnd - r.start) / r.sampleRate;
      }
      let node: AudioNode = src;
      const fc = r.filterFcCents + velocityFilterCents(velocity);
      if (fc < OPEN_FILTER_CENTS) {
        const lp = ctx.createBiquadFilter();
        lp.type = 'lowpass';
        lp.frequency.value = Math.min(ctx.sampleRate / 2, 8.176 * 2 ** (fc / 1200));
        lp.Q.value = r.filterQCb / 10;
        node = node.connect(lp);
      }
      const env = ctx.createGain();
      env.gain.value = 0;
      const { events, endSec } = envelopeEvents(r, pitch, velocityGain(velocity) * attenuationGain(r.attenuationCb), onSec, offSec);
      applyEnvelope(env.gain, events);
      node = node.connect(env);
      if (r.pan !== 0) {
        const pan = ctx.createStereoPanner();
        pan.pan.value = r.pan / 500;
        node = node.connect(pan);
      }
      node.connect(this.out);
      src.start(onSec);
      src.stop(endSec);
      src.onended = () => src.disconnect();
      parts.push({ src, env });
      this.stats.sources++;
      this.stats.lastRates.push(src.playbackRate.value);
      if (this.stats.lastRates.length > 64) this.stats.lastRates.shift();
    }
    return {
      stop: () => {
        const now = ctx.currentTime;
        for (const { src, env } of parts) {
          const g = env.gain as AudioParam & { cancelAndHoldAtTime?: (t: number) => AudioParam };
          if (g.cancelAndHoldAtTime) g.cancelAndHoldAtTime(now);
          else {
            g.cancelScheduledValues(now);
            g.setValueAtTime(g.value, now);
          }
          g.linearRampToValueAtTime(0, now + 0.02);
          try {
            src.stop(now + 0.03);
          } catch {
            // already stopped
          }
        }
      },
    };
  }
}

/**
 * The bank the host named in #app's `data-config` (`soundFontUri`, a webview resource URI under
 * media/), loading; null when the page names none (then the synthesized voice plays).
 */
export function bankFromConfig(app: HTMLElement): Promise<Sf2Bank> | null {
  let uri: unknown;
  try {
    uri = (JSON.parse(app.dataset.config ?? '{}') as { soundFontUri?: unknown }).soundFontUri;
  } catch {
    return null;
  }
  return typeof uri === 'string' && uri ? loadSf2Bank(uri) : null;
}
