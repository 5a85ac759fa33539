// The workspace the e2e suite opens: example MIDI files, a tiny CPU run spec, and a synthetic dataset
// cache written by the trainer tests' own generator (native/tests/conftest.py), so a real training run
// finishes in seconds without the corpus.

import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function makeWorkspace(repoRoot: string, dir: string, python: string): { specPath: string; midPath: string } {
  mkdirSync(path.join(dir, 'midi'), { recursive: true });
  for (const f of ['prelude-c-major.mid', 'minuet-g-major.mid']) copyFileSync(path.join(repoRoot, 'examples', f), path.join(dir, 'midi', f));
  const cache = path.join(dir, 'cache');
  const py = `
import sys
from pathlib import Path
sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'native/tests'))})
from conftest import write_cache
write_cache(Path(${JSON.stringify(cache)}), [("train", 120), ("train", 300), ("train", 80), ("train", 200), ("val", 180), ("val", 100), ("test", 50)])
`;
  const r = spawnSync(python, ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not write the synthetic cache with ${python}: ${r.stderr}`);
  // A second copy of the cache, as projects end up with: the Datasets view must find it.
  cpSync(cache, path.join(dir, 'cache-copy'), { recursive: true });
  const specPath = path.join(dir, 'tiny.run.toml');
  writeFileSync(
    specPath,
    `# A tiny CPU run for the e2e suite: trains in seconds on a synthetic cache.
[model]
d_model = 16
n_layers = 1
n_heads = 2
ff_mult = 2
dropout = 0.0

[data]
cache = "cache"
window = 64
overlap = 16

[optimizer]
lr = 3e-3

[batch]
micro_batch = 4
grad_accum = 1

[precision]
mode = "fp32"

[schedule]
warmup_steps = 3
max_steps = 40

[eval]
every_steps = 10

[device]
device = "cpu"
cpu_threads = 1

[run]
out = "runs/tiny"
seed = 7
`,
  );
  return { specPath, midPath: path.join(dir, 'midi', 'prelude-c-major.mid') };
}
