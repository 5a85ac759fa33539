// Finds a Python interpreter that can import torch, for the trainer and exporter in native/.
//
// Order: an explicit path (setting `rubato.pythonPath` or env RUBATO_PYTHON), then the usual
// names on PATH, then Debian's /usr/bin/python3. Only an interpreter that really imports torch is
// accepted: several Pythons often coexist, and the first on PATH may lack it.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface PythonFound {
  executable: string;
  torchVersion: string;
  cudaAvailable: boolean;
}

export interface PythonProbe {
  executable: string;
  ok: boolean;
  detail: string;
}

const PROBE = 'import json, torch; print(json.dumps({"torch": torch.__version__, "cuda": bool(torch.cuda.is_available())}))';

export function probePython(executable: string): PythonProbe & { found?: PythonFound } {
  const r = spawnSync(executable, ['-c', PROBE], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return { executable, ok: false, detail: r.error.message };
  if (r.status !== 0) return { executable, ok: false, detail: (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 200) };
  try {
    const info = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { torch: string; cuda: boolean };
    return { executable, ok: true, detail: `torch ${info.torch}`, found: { executable, torchVersion: info.torch, cudaAvailable: info.cuda } };
  } catch {
    return { executable, ok: false, detail: `unexpected output: ${r.stdout.slice(0, 200)}` };
  }
}

export function pythonCandidates(explicit?: string): string[] {
  const fromEnv = process.env.RUBATO_PYTHON;
  const names = process.platform === 'win32' ? ['python', 'py'] : ['python3', 'python', '/usr/bin/python3'];
  return [...new Set([explicit, fromEnv, ...names].filter((x): x is string => !!x))];
}

/** The first candidate that imports torch, or an Error that lists what was tried and how to fix it. */
export function findPython(explicit?: string): PythonFound {
  const tried: PythonProbe[] = [];
  for (const exe of pythonCandidates(explicit)) {
    const p = probePython(exe);
    if (p.found) return p.found;
    tried.push(p);
  }
  throw new Error(
    [
      'no Python interpreter that can import torch was found. Tried:',
      ...tried.map((t) => `  ${t.executable}: ${t.detail}`),
      'Install PyTorch (e.g. `pip install torch`, or on Debian `apt-get install python3-torch`),',
      'then point Rubato at that interpreter with the setting rubato.pythonPath or the environment variable RUBATO_PYTHON.',
    ].join('\n'),
  );
}

/** Environment for running `python -m rubato_native …` from this repository's native/ folder. */
export function nativeEnv(repoRoot: string): NodeJS.ProcessEnv {
  const nativeDir = path.join(repoRoot, 'native');
  const prev = process.env.PYTHONPATH;
  return { ...process.env, PYTHONPATH: prev ? `${nativeDir}${path.delimiter}${prev}` : nativeDir };
}
