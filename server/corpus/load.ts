// Loads scores and performances of an ASAP-layout corpus: read, analyse, align, extract expression.

import path from 'node:path';
import { listCorpus, type CorpusListing, type PerformanceEntry, type ScoreFolder } from '../asap/corpus';
import { alignPerformance } from '../align/align';
import type { Alignment } from '../align/types';
import { splitByGroup, type Split } from '../dataset/split';
import type { Expression } from '../features/expression';
import { analyzeScore, type ScoreAnalysis } from '../features/scoreFeatures';
import { extractExpression, performedNotes } from '../features/targets';
import type { MidiDoc } from '../midi/model';
import { readMidiFile } from '../midi/read';

export interface LoadedScore {
  folder: ScoreFolder;
  doc: MidiDoc;
  analysis: ScoreAnalysis;
}

export interface LoadedPerformance {
  score: LoadedScore;
  entry: PerformanceEntry;
  doc: MidiDoc;
  alignment: Alignment;
  /** The human expression, per score note / onset group of `score.analysis`. */
  expression: Expression;
}

/** A file that could not be used, with why; relative to the data folder where possible. */
export interface CorpusError {
  file: string;
  reason: string;
}

export function loadScore(folder: ScoreFolder): LoadedScore {
  const doc = readMidiFile(folder.scorePath);
  if (doc.notes.length === 0) throw new Error(`${folder.scorePath}: the score has no notes`);
  return { folder, doc, analysis: analyzeScore(doc) };
}

export function loadPerformance(score: LoadedScore, entry: PerformanceEntry): LoadedPerformance {
  const doc = readMidiFile(entry.midiPath);
  const alignment = alignPerformance(score.folder, entry, score.doc, doc);
  const expression = extractExpression(score.analysis, performedNotes(doc), alignment.pairs, doc.sustain);
  return { score, entry, doc, alignment, expression };
}

export type SplitChoice = Split | 'all';

/** Composer of a folder id (`Composer/Work/...`). */
export function composerOf(id: string): string {
  return id.split('/')[0] ?? id;
}

/**
 * The corpus folders of one split. The split is by piece group (never by performance) and the same
 * one the dataset cache uses, so "val" here is "val" there.
 */
export function foldersOfSplit(listing: CorpusListing, split: SplitChoice): ScoreFolder[] {
  if (split === 'all') return listing.folders;
  const splits = splitByGroup(listing.folders.map((f) => ({ id: f.id, group: f.group, composer: composerOf(f.id) })));
  return listing.folders.filter((f) => splits.get(f.id) === split);
}

export function openCorpus(dataDir: string): CorpusListing {
  return listCorpus(dataDir);
}

export function relativeTo(dataDir: string, file: string): string {
  return path.relative(path.resolve(dataDir), path.resolve(file)).split(path.sep).join('/');
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
