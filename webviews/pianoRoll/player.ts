// Plays a take through PianoSynth: a look-ahead scheduler (notes starting in the next LOOKAHEAD_SEC
// are scheduled every TICK_MS), so 20,000 notes never sit in the audio graph at once.

import type { RollTake } from '../../server/protocol/preview';
import { firstAtOrAfter, planPlayback, type PlaybackPlan } from './playback';
import { PianoSynth, type Voice } from './synth';

const LOOKAHEAD_SEC = 0.3;
const TICK_MS = 50;
/** Voices cut when more are sounding (old ones first): keeps CPU bounded in dense, pedalled passages. */
const MAX_VOICES = 96;

export class Player {
  private synth: PianoSynth | null = null;
  private take: RollTake | null = null;
  private plan: PlaybackPlan | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private next = 0;
  /** AudioContext time that corresponds to take time 0. */
  private zeroAt = 0;
  private voices: Voice[] = [];
  private pausedAtSec = 0;

  constructor(private readonly onEnd: () => void) {}

  get playing(): boolean {
    return this.timer !== null;
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
    if (!this.playing || !this.synth) return this.pausedAtSec;
    return this.synth.ctx.currentTime - this.zeroAt;
  }

  play(fromSec = this.pausedAtSec): void {
    if (!this.take || !this.plan) return;
    if (!this.synth) {
      const AC = window.AudioContext;
      if (!AC) throw new Error('this webview has no WebAudio');
      this.synth = new PianoSynth(new AC());
    }
    void this.synth.ctx.resume();
    this.pause();
    const start = fromSec >= this.take.durationSec ? 0 : Math.max(0, fromSec);
    this.zeroAt = this.synth.ctx.currentTime + 0.05 - start;
    this.next = firstAtOrAfter(this.plan, start);
    this.timer = setInterval(() => this.schedule(), TICK_MS);
    this.schedule();
  }

  pause(): void {
    if (this.timer !== null) {
      this.pausedAtSec = this.positionSec();
      clearInterval(this.timer);
      this.timer = null;
    }
    for (const v of this.voices) v.stop();
    this.voices = [];
  }

  seek(sec: number): void {
    if (this.playing) this.play(sec);
    else this.pausedAtSec = Math.max(0, sec);
  }

  private schedule(): void {
    const { plan, take, synth } = this;
    if (!plan || !take || !synth) return;
    const until = synth.ctx.currentTime - this.zeroAt + LOOKAHEAD_SEC;
    const { order, onsetSorted, soundingOffsetSec } = plan;
    while (this.next < order.length && onsetSorted[this.next]! <= until) {
      const i = order[this.next++]!;
      const v = synth.noteOn(take.notes.pitch[i]!, take.notes.velocity[i]!, this.zeroAt + take.notes.onsetSec[i]!);
      v.release(this.zeroAt + soundingOffsetSec[i]!);
      this.voices.push(v);
      if (this.voices.length > MAX_VOICES) this.voices.shift()!.stop();
    }
    if (this.positionSec() > take.durationSec + 0.5) {
      this.pause();
      this.pausedAtSec = 0;
      this.onEnd();
    }
  }
}
