// Aligns one performance of a score folder: the match file when there is one, else the beat annotations.

import { readAnnotationsFile } from '../asap/annotations';
import type { PerformanceEntry, ScoreFolder } from '../asap/corpus';
import { readMatchFile } from '../asap/match';
import type { MidiDoc } from '../midi/model';
import { alignFromBeats } from './beatAligner';
import { alignFromMatch } from './link';
import type { Alignment } from './types';

/**
 * `score` and `perfDoc` are the already-read `folder.scorePath` and `perf.midiPath` (the caller reads
 * each score once for all its performances). Throws an Error naming the files when neither a match
 * file nor a usable pair of beat annotation files exists, or when one of them cannot be read.
 */
export function alignPerformance(folder: ScoreFolder, perf: PerformanceEntry, score: MidiDoc, perfDoc: MidiDoc): Alignment {
  if (perf.matchPath) return alignFromMatch(score, perfDoc, readMatchFile(perf.matchPath));
  if (!perf.annotationsPath || !folder.scoreAnnotationsPath) {
    throw new Error(
      `${perf.midiPath}: cannot align: no ${perf.name}.match.gz, and ` +
        (perf.annotationsPath ? `no score annotations ${folder.scorePath.replace(/\.mid$/, '_annotations.txt')}` : `no ${perf.name}_annotations.txt`),
    );
  }
  const scoreBeats = readAnnotationsFile(folder.scoreAnnotationsPath);
  const perfBeats = readAnnotationsFile(perf.annotationsPath);
  try {
    return alignFromBeats(score, perfDoc, scoreBeats, perfBeats);
  } catch (e) {
    throw new Error(
      `${perf.midiPath}: cannot align: no ${perf.name}.match.gz, and the beat fallback failed for ${folder.scoreAnnotationsPath} / ${perf.annotationsPath}: ${(e as Error).message}`,
    );
  }
}
