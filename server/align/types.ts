// The score↔performance note alignment every downstream module (features, training, metrics) reads.

/** Indices into `MidiDoc.notes` of the score MIDI and of the performance MIDI. */
export interface AlignedPair {
  scoreIndex: number;
  perfIndex: number;
}

export interface AlignmentStats {
  scoreNotes: number;
  perfNotes: number;
  /** Linked pairs. */
  matched: number;
  /** Score-MIDI notes without a performed note. */
  deletions: number;
  /** Performance-MIDI notes without a score note. */
  insertions: number;
  /** Match-file notes (score side) that could not be linked to a score-MIDI note. */
  unlinkedScore: number;
  /** Match-file notes (performance side) that could not be linked to a performance-MIDI note. */
  unlinkedPerf: number;
  /** 100 * matched / scoreNotes. */
  matchedPct: number;
}

export interface Alignment {
  source: 'match' | 'beats';
  scorePath: string;
  performancePath: string;
  /** One-to-one, sorted by scoreIndex. */
  pairs: AlignedPair[];
  stats: AlignmentStats;
  warnings: string[];
}

/** Stats for a set of one-to-one pairs; the unlinked counts come from the caller (0 for the beat aligner). */
export function alignmentStats(
  scoreNotes: number,
  perfNotes: number,
  matched: number,
  unlinkedScore: number,
  unlinkedPerf: number,
): AlignmentStats {
  return {
    scoreNotes,
    perfNotes,
    matched,
    deletions: scoreNotes - matched,
    insertions: perfNotes - matched,
    unlinkedScore,
    unlinkedPerf,
    matchedPct: scoreNotes > 0 ? (100 * matched) / scoreNotes : 0,
  };
}
