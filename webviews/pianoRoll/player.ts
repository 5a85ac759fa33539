// Plays a take: a look-ahead scheduler (notes starting in the next LOOKAHEAD_SEC are scheduled every
// TICK_MS), so 20,000 notes never sit in the audio graph at once. The instrument is the SoundFont piano
// (sf2Synth.ts) once its bank has loaded, or the synthesized PianoSynth when there is no bank or it
// failed; a play pressed while the bank is still loading starts when the load settles.

import type { RollTake } from '../../server/protocol/preview';
import { firstAtOrAfter, planPlayback, type PlaybackPlan } from './playback';
import { Sf2Synth, type Sf2Bank, type Sf2Stats } from './sf2Synth';
import { PianoSynth, type Instrument, type Voice } from './synth';

const LOOKAHEAD_SEC = 0.3;
const TICK_MS = 50;
/** Voices cut when more are sounding (old ones first): keeps CPU bounded in dense, pedalled passages. */
const MAX_VOICES = 96;

/** Which instrument plays, for the status line and the headless test. */
export type InstrumentState = 'loading' | 'soundfont' | 'synth';

export class Player {
  private synth: Instrument | null = null;
  private audio: AudioContext | null = null;
  private bank: Sf2Bank | null = null;
  private bankState: InstrumentState;
  /** Where to start once the bank settles (play pressed while loading), else null. */
  private pendingFromSec: number | null = null;
  private take: RollTake | null = null;
  private plan: PlaybackPlan | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private next = 0;
  /** AudioContext time that corresponds to take time 0. */
  private zeroAt = 0;
  private voices: Voice[] = [];
  private pausedAtSec = 0;

  /** `bank`: the SoundFont piano being loaded, or null to play the synthesized voice. */
  constructor(
    private readonly onEnd: () => void,
    bank: Promise<Sf2Bank> | null = null,
  ) {
    this.bankState = bank ? 'loading' : 'synth';
    bank?.then(
      (b) => this.bankSettled(b),
      () => this.bankSettled(null),
    );
  }

  get playing(): boolean {
    return this.timer !== null || this.pendingFromSec !== null;
  }

  get instrument(): InstrumentState {
    return this.bankState;
  }

  /** Sources started and their rates when the SoundFont plays (headless test hook). */
  stats(): Sf2Stats | null {
    return this.synth instanceof Sf2Synth ? this.synth.stats : null;
  }

  private bankSettled(bank: Sf2Bank | null): void {
    this.bank = bank;
    this.bankState = bank ? 'soundfont' : 'synth';
    const from = this.pendingFromSec;
    this.pendingFromSec = null;
    if (from !== null) this.play(from);
  }

  setTake(take: RollTake | null): void {
    if (take === this.take) return;
    const pos = this.positionSec();
    const wasPlaying = this.playing;
    this.pause();
    this.take = take;
    this.plan = take ? planPlayback(take.notes, take.pedal) : null;
    this.pausedAtSec = pos;
    if (wasPlaying) this.play(pos);
  }

  positionSec(): number {
    if (this.timer === null || !this.audio) return this.pausedAtSec;
    return this.audio.currentTime - this.zeroAt;
  }

  play(fromSec = this.pausedAtSec): void {
    if (!this.take || !this.plan) return;
    if (!this.audio) {
      const AC = window.AudioContext;
      if (!AC) throw new Error('this webview has no WebAudio');
      // Created here, inside the user's gesture, even while the bank loads, so the browser lets it run.
      this.audio = new AC();
    }
    void this.audio.resume();
    this.pause();
    if (this.bankState === 'loading') {
      this.pendingFromSec = fromSec;
      return;
    }
    this.instrumentFor(this.audio);
    const start = fromSec >= this.take.durationSec ? 0 : Math.max(0, fromSec);
    this.zeroAt = this.audio.currentTime + 0.05 - start;
    this.next = firstAtOrAfter(this.plan, start);
    this.timer = setInterval(() => this.schedule(), TICK_MS);
    this.schedule();
  }

  private instrumentFor(audio: AudioContext): Instrument {
    const wanted = this.bank ? 'soundfont' : 'synth';
    if (!this.synth || (this.synth instanceof Sf2Synth ? 'soundfont' : 'synth') !== wanted) {
      this.synth = this.bank ? new Sf2Synth(audio, this.bank) : new PianoSynth(audio);
    }
    return this.synth;
  }

  pause(): void {
    this.pendingFromSec = null;
    if (this.timer !== null) {
      this.pausedAtSec = this.positionSec();
      clearInterval(this.timer);
      this.timer = null;
    }
    for (const v of this.voices) v.stop();
    this.voices = [];
  }

  seek(sec: number): void {
    if (this.timer !== null) this.play(sec);
    else if (this.pendingFromSec !== null) this.pendingFromSec = Math.max(0, sec);
    else this.pausedAtSec = Math.max(0, sec);
  }

  private schedule(): void {
    const { plan, take, synth } = this;
    if (!plan || !take || !synth) return;
    const until = synth.ctx.currentTime - this.zeroAt + LOOKAHEAD_SEC;
    const { order, onsetSorted, soundingOffsetSec } = plan;
    while (this.next < order.length && onsetSorted[this.next]! <= until) {
      const i = order[this.next++]!;
      this.voices.push(synth.note(take.notes.pitch[i]!, take.notes.velocity[i]!, this.zeroAt + take.notes.onsetSec[i]!, this.zeroAt + soundingOffsetSec[i]!));
      if (this.voices.length > MAX_VOICES) this.voices.shift()!.stop();
    }
    if (this.positionSec() > take.durationSec + 0.5) {
      this.pause();
      this.pausedAtSec = 0;
      this.onEnd();
    }
  }
}
