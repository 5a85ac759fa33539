// Lists the pieces of one split of a corpus for the eval viewer's picker.

import { splitByGroup } from '../dataset/split';
import { listCorpus, type CorpusListing } from '../asap/corpus';
import { composerOf } from '../corpus/load';
import type { EvalPieceInfo, EvalPiecesParams, EvalPiecesResult, EvalSplit } from '../protocol/evalView';
import { UserFacingError } from '../lsp/request';
import { resolveDataDir } from './dataDir';

export const TEST_SPLIT_NOTICE =
  'Test split: withheld for independent evaluation. Look at it to check a finished model; never choose checkpoints, settings or styles by it.';

/** The split of every folder, exactly as the dataset cache assigns it. */
export function splitsOf(listing: CorpusListing): Map<string, EvalSplit> {
  return splitByGroup(listing.folders.map((f) => ({ id: f.id, group: f.group, composer: composerOf(f.id) })));
}

export function listEvalPieces(params: EvalPiecesParams | null | undefined): EvalPiecesResult {
  const dataDir = resolveDataDir(params?.dataDir);
  const split = params?.split ?? 'val';
  const listing = listCorpus(dataDir);
  if (listing.folders.length === 0 && listing.errors.length) throw new UserFacingError(`eval viewer: ${listing.errors[0]}`);
  const splits = splitsOf(listing);
  const pieces: EvalPieceInfo[] = [];
  for (const f of listing.folders) {
    const s = splits.get(f.id);
    if (!s || (split !== 'all' && s !== split) || f.performances.length === 0) continue;
    pieces.push({ id: f.id, composer: composerOf(f.id), split: s, performances: f.performances.map((p) => p.name) });
  }
  return { dataDir: listing.dataDir, split, pieces, notice: split === 'test' || split === 'all' ? TEST_SPLIT_NOTICE : null, errors: listing.errors };
}
