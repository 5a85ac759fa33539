// `rubato roundtrip --data <dir>`: score + targets reproduce every aligned performance note.

import { existsSync, statSync } from 'node:fs';
import { createProgressBar } from '../dataset/progress';
import { loadPerformance, loadScore, openCorpus, reasonOf, relativeTo, type CorpusError } from '../corpus/load';
import { roundTrip, type RoundTripResult } from '../corpus/roundtrip';
import { CliError, EXIT } from './errors';

export function runRoundtrip(args: { data: string; sample?: string; json?: boolean }, log: (line: string) => void): number {
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) throw new CliError(`roundtrip: --data ${args.data} is not a folder`, EXIT.input);
  const sample = args.sample === undefined ? Infinity : Number(args.sample);
  if (!(sample >= 1)) throw new CliError(`--sample must be a positive integer, got "${args.sample}"`, EXIT.usage);
  const listing = openCorpus(args.data);
  const all = listing.folders.flatMap((folder) => folder.performances.map((perf) => ({ folder, perf })));
  // An evenly spread, deterministic sample: every k-th performance.
  const step = Math.max(1, Math.floor(all.length / Math.min(sample, all.length)));
  const chosen = all.filter((_, i) => i % step === 0).slice(0, sample);
  const results: RoundTripResult[] = [];
  const errors: CorpusError[] = [];
  const bar = createProgressBar({ label: 'roundtrip', stream: process.stderr });
  let score: ReturnType<typeof loadScore> | undefined;
  chosen.forEach(({ folder, perf }, i) => {
    const label = relativeTo(args.data, perf.midiPath);
    try {
      if (!score || score.folder.id !== folder.id) score = loadScore(folder);
      results.push(roundTrip(loadPerformance(score, perf), label));
    } catch (err) {
      errors.push({ file: label, reason: reasonOf(err) });
    }
    bar.update(i + 1, chosen.length);
  });
  bar.finish();
  const failed = results.filter((r) => !r.ok);
  const summary = {
    performances: results.length,
    notes_checked: results.reduce((s, r) => s + r.checked, 0),
    max_onset_error_ms: 1000 * Math.max(0, ...results.map((r) => r.maxOnsetErrorSec)),
    max_file_onset_error_ms: 1000 * Math.max(0, ...results.map((r) => r.maxFileOnsetErrorSec)),
    velocity_mismatches: results.reduce((s, r) => s + r.velocityMismatches, 0),
    failed: failed.map((r) => r.performance),
    errors,
  };
  if (args.json) log(JSON.stringify(summary, null, 2));
  else {
    for (const e of errors) log(`error: ${e.file}: ${e.reason}`);
    for (const r of failed) log(`FAILED ${r.performance}: onset error ${(r.maxOnsetErrorSec * 1000).toFixed(3)} ms, through file ${(r.maxFileOnsetErrorSec * 1000).toFixed(3)} ms, ${r.velocityMismatches} velocity mismatches`);
    log(
      `round trip: ${summary.performances} performances, ${summary.notes_checked} aligned notes; worst onset error ${summary.max_onset_error_ms.toExponential(2)} ms in memory, ${summary.max_file_onset_error_ms.toFixed(3)} ms through a MIDI file; ${summary.velocity_mismatches} velocity mismatches; ${failed.length} failed, ${errors.length} could not be loaded`,
    );
  }
  return failed.length === 0 && results.length > 0 ? EXIT.ok : EXIT.nothingDone;
}
