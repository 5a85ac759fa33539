// Where the eval viewer finds the corpus when the request names none.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { findNativeRoot } from '../python/nativeRoot';
import { UserFacingError } from '../lsp/request';

/**
 * `dataDir` if given; else `$RUBATO_ASAP_DIR`; else `../shared/data/asap` beside the installation, the
 * corpus the specs' dataset caches are built from in this workspace layout.
 */
export function resolveDataDir(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (dataDir) return path.resolve(dataDir);
  if (env.RUBATO_ASAP_DIR) return path.resolve(env.RUBATO_ASAP_DIR);
  let beside: string | null = null;
  try {
    beside = path.resolve(findNativeRoot(), '..', 'shared', 'data', 'asap');
  } catch {
    beside = null;
  }
  if (beside && existsSync(beside)) return beside;
  throw new UserFacingError('eval viewer: no corpus folder given; set dataDir (the ASAP folder) or RUBATO_ASAP_DIR');
}
