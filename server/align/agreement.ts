// Compares two alignments of one performance (e.g. the beat aligner against the match-file alignment).

import type { Alignment } from './types';

export interface AlignmentAgreement {
  /** Pairs in the reference. */
  referencePairs: number;
  /** Pairs in the candidate. */
  candidatePairs: number;
  /** Reference pairs the candidate reproduces exactly (same score note → same performed note). */
  samePairs: number;
  /** 100 * samePairs / referencePairs: of the score notes the reference links, % linked identically. */
  agreementPct: number;
  /** 100 * samePairs / candidatePairs: % of the candidate's pairs that the reference confirms. */
  precisionPct: number;
}

export function compareAlignments(reference: Alignment, candidate: Alignment): AlignmentAgreement {
  const ref = new Map<number, number>();
  for (const p of reference.pairs) ref.set(p.scoreIndex, p.perfIndex);
  let same = 0;
  for (const p of candidate.pairs) if (ref.get(p.scoreIndex) === p.perfIndex) same++;
  const r = reference.pairs.length;
  const c = candidate.pairs.length;
  return {
    referencePairs: r,
    candidatePairs: c,
    samePairs: same,
    agreementPct: r > 0 ? (100 * same) / r : 0,
    precisionPct: c > 0 ? (100 * same) / c : 0,
  };
}
