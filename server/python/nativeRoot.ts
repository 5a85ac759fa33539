// Locates the repository's native/ folder (the Python package) from the running script, bundled or not.

import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder that holds `native/rubato_native`, searching up from `start` (dist/ or server/cli/). */
export function findNativeRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'native', 'rubato_native', '__init__.py'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find native/rubato_native above ${start}: the Rubato installation is incomplete`);
}
