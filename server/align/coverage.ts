// Aligns every performance of a corpus listing and sums the stats (the data behind `rubato` coverage reports).

import type { CorpusListing, PerformanceEntry, ScoreFolder } from '../asap/corpus';
import type { MidiDoc } from '../midi/model';
import { readMidiFile } from '../midi/read';
import { alignPerformance } from './align';
import type { AlignmentStats } from './types';

export interface PerformanceCoverage {
  folderId: string;
  name: string;
  /** Absent when the performance could not be aligned (see `error`). */
  source?: 'match' | 'beats';
  stats?: AlignmentStats;
  warnings: number;
  error?: string;
}

/** The per-performance stats summed over the aligned performances (`matchedPct` over their score notes). */
export interface CoverageTotals extends AlignmentStats {
  performances: number;
  aligned: number;
  failed: number;
  bySource: { match: number; beats: number };
}

export interface CoverageReport {
  dataDir: string;
  /** Sorted like the listing: by folder id, then performance name. */
  performances: PerformanceCoverage[];
  totals: CoverageTotals;
  /** Corpus walk errors, then score MIDI files that could not be read. */
  errors: string[];
}

export interface CoverageOptions {
  /** Only folders whose id contains this string. */
  filter?: string;
  /** Called after each performance, e.g. to print progress. */
  onPerformance?: (p: PerformanceCoverage) => void;
  /** Defaults to `readMidiFile`; tests and the CLI may pass a cached reader. */
  readMidi?: (path: string) => MidiDoc;
}

export function alignmentCoverage(listing: CorpusListing, options: CoverageOptions = {}): CoverageReport {
  const readMidi = options.readMidi ?? readMidiFile;
  const performances: PerformanceCoverage[] = [];
  const errors = [...listing.errors];
  for (const folder of listing.folders) {
    if (options.filter !== undefined && !folder.id.includes(options.filter)) continue;
    let score: MidiDoc;
    try {
      score = readMidi(folder.scorePath);
    } catch (e) {
      errors.push(`${folder.scorePath}: ${(e as Error).message}`);
      for (const perf of folder.performances) {
        performances.push({ folderId: folder.id, name: perf.name, warnings: 0, error: `score MIDI unreadable: ${(e as Error).message}` });
      }
      continue;
    }
    for (const perf of folder.performances) {
      const row = coverOne(folder, perf, score, readMidi);
      performances.push(row);
      options.onPerformance?.(row);
    }
  }
  return { dataDir: listing.dataDir, performances, totals: sumCoverage(performances), errors };
}

function coverOne(folder: ScoreFolder, perf: PerformanceEntry, score: MidiDoc, readMidi: (path: string) => MidiDoc): PerformanceCoverage {
  try {
    const a = alignPerformance(folder, perf, score, readMidi(perf.midiPath));
    return { folderId: folder.id, name: perf.name, source: a.source, stats: a.stats, warnings: a.warnings.length };
  } catch (e) {
    return { folderId: folder.id, name: perf.name, warnings: 0, error: (e as Error).message };
  }
}

export function sumCoverage(rows: readonly PerformanceCoverage[]): CoverageTotals {
  const t: CoverageTotals = {
    performances: rows.length,
    aligned: 0,
    failed: 0,
    bySource: { match: 0, beats: 0 },
    scoreNotes: 0,
    perfNotes: 0,
    matched: 0,
    deletions: 0,
    insertions: 0,
    unlinkedScore: 0,
    unlinkedPerf: 0,
    matchedPct: 0,
  };
  for (const r of rows) {
    if (!r.stats || !r.source) {
      t.failed++;
      continue;
    }
    t.aligned++;
    t.bySource[r.source]++;
    t.scoreNotes += r.stats.scoreNotes;
    t.perfNotes += r.stats.perfNotes;
    t.matched += r.stats.matched;
    t.deletions += r.stats.deletions;
    t.insertions += r.stats.insertions;
    t.unlinkedScore += r.stats.unlinkedScore;
    t.unlinkedPerf += r.stats.unlinkedPerf;
  }
  t.matchedPct = t.scoreNotes > 0 ? (100 * t.matched) / t.scoreNotes : 0;
  return t;
}
