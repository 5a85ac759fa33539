// Builds the normalizer's training data from the ASAP score MIDIs (train and val splits only).
// Run: npx tsx scripts/make-normalizer-data.ts --data ../shared/data/asap --out .rubato-cache/normalizer-data

import { buildNormalizerData } from '../server/normalize/dataset';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) {
    process.stderr.write(`usage: make-normalizer-data.ts --data <asap> --out <dir> [--train-versions 8] [--val-versions 2]\n`);
    process.exit(2);
  }
  return v;
}

const meta = buildNormalizerData({
  dataDir: arg('--data'),
  outDir: arg('--out'),
  versions: { train: Number(arg('--train-versions', '8')), val: Number(arg('--val-versions', '2')) },
  log: (l) => process.stderr.write(`${l}\n`),
});
process.stdout.write(JSON.stringify({ data_hash: meta.data_hash, splits: meta.splits }) + '\n');
