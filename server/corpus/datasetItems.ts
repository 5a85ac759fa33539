// The real dataset extractor: one item per aligned performance, with its record arrays.

import type { CorpusListing, ScoreFolder } from '../asap/corpus';
import type { BuildItem, ExtractResult } from '../dataset/build';
import { styleOf } from '../features/style';
import { composerOf, loadPerformance, loadScore, relativeTo, type LoadedScore } from './load';
import { recordArrays } from './records';

export function datasetItems(listing: CorpusListing): { items: BuildItem[]; entries: Map<string, { folder: ScoreFolder; perf: ScoreFolder['performances'][number] }> } {
  const items: BuildItem[] = [];
  const entries = new Map<string, { folder: ScoreFolder; perf: ScoreFolder['performances'][number] }>();
  for (const folder of listing.folders) {
    for (const perf of folder.performances) {
      const id = `${folder.id}/${perf.name}`;
      const inputs = [folder.scorePath, perf.midiPath, perf.matchPath, perf.matchPath ? undefined : perf.annotationsPath, perf.matchPath ? undefined : folder.scoreAnnotationsPath].filter(
        (x): x is string => typeof x === 'string',
      );
      items.push({ id, group: folder.group, composer: composerOf(folder.id), inputs });
      entries.set(id, { folder, perf });
    }
  }
  return { items, entries };
}

/** An extractor that reads each score once, however many performances it has. */
export function corpusExtractor(dataDir: string, entries: ReturnType<typeof datasetItems>['entries']): (item: BuildItem) => ExtractResult {
  let last: LoadedScore | undefined;
  return (item) => {
    const e = entries.get(item.id);
    if (!e) throw new Error(`unknown dataset item ${item.id}`);
    if (!last || last.folder.id !== e.folder.id) last = loadScore(e.folder);
    const p = loadPerformance(last, e.perf);
    const style = styleOf(p.expression);
    return {
      arrays: recordArrays(last.analysis, p.expression),
      meta: {
        score: relativeTo(dataDir, e.folder.scorePath),
        performance: relativeTo(dataDir, e.perf.midiPath),
        alignment: p.alignment.source,
        alignment_stats: p.alignment.stats,
        notes: last.analysis.doc.notes.length,
        groups: last.analysis.groups.length,
        start_sec: p.expression.startSec,
        init_tempo: p.expression.initTempo,
        style,
      },
    };
  };
}
