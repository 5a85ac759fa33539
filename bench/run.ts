// `npm run bench`: speed and memory figures, each printed as a ratio measured side by side in one
// run so it holds on a noisy shared machine. One section per area; each lives in its own file.
// Usage: npm run bench [-- --only corpus,datasets] [-- --data DIR] [-- --limit N]

import os from 'node:os';
import { arg } from './args';
import { benchCorpus } from './corpus';
import { benchPianoRoll } from './pianoRoll';
import { benchDiagnostics } from './diagnostics';
import { benchRunLatency } from './runLatency';
import { benchDatasets } from './datasets';
import { benchMetrics } from './metrics';
import { benchCharts } from './charts';

/** Sections in the order they run. Add a line here for a new area (its file exports one async function). */
const SECTIONS: Record<string, () => Promise<void>> = {
  corpus: benchCorpus,
  pianoRoll: benchPianoRoll,
  diagnostics: benchDiagnostics,
  runLatency: benchRunLatency,
  datasets: benchDatasets,
  metrics: benchMetrics,
  charts: benchCharts,
};

async function main(): Promise<void> {
  const only = arg('only', '').split(',').filter(Boolean);
  const unknown = only.filter((n) => !(n in SECTIONS));
  if (unknown.length) {
    console.error(`bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
  console.log(`bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}\n`);
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`==== ${name}`);
    await run();
    console.log('');
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
