// Interpreters named python3 / python on PATH (what the server would also try), deduplicated by real
// path. Only a listing for the quick pick: the server decides whether one imports torch.

import { access, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

export async function pythonCandidates(pathEnv: string, platform: NodeJS.Platform): Promise<string[]> {
  const names = platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  const out: string[] = [];
  const real = new Set<string>();
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const p = path.join(dir, name);
      try {
        await access(p, constants.X_OK);
        const r = await realpath(p);
        if (real.has(r)) continue;
        real.add(r);
        out.push(p);
      } catch {
        // not there or not executable: not a candidate
      }
    }
  }
  return out;
}
