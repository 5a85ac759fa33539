// File watching for the Datasets view: one non-recursive fs.watch per folder (found by our own walk, so links are
// never followed and loops are impossible), new sub-folders watched as they appear. Changes are batched and
// reported as the folders that changed, so the view rescans only those (and the hash cache re-reads only changed
// files). We do not use `fs.watch(..., {recursive: true})`: on Linux Node 20 emulates it in JavaScript by walking
// the tree, following links, which is exactly what a tree with link loops must not do.

import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { walkInBackground } from './workerClient';

export interface WatchOptions {
  /** Changes within this many milliseconds are reported together (default 300). */
  debounceMs?: number;
  /** At most this many folders are watched (inotify watches are a per-user resource; default 20,000). */
  maxDirs?: number;
  /** Called once when the limit is reached: the view should fall back to manual refresh for the rest. */
  onLimit?: (watched: number) => void;
  /** Called for a watcher error (a watched folder removed, …); the watch of that folder ends, the rest go on. */
  onError?: (dir: string, err: Error) => void;
}

export interface DatasetsWatcher {
  /** Folders being watched now. */
  readonly size: number;
  close(): void;
}

/** Watches every folder under the roots; `onChange` receives the sorted list of folders whose entries changed. */
export async function watchDatasets(roots: readonly string[], onChange: (dirs: string[]) => void, opts: WatchOptions = {}): Promise<DatasetsWatcher> {
  const w = await walkInBackground(roots, { followLinkedRoots: false });
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  const maxDirs = opts.maxDirs ?? 20000;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let limitReported = false;

  const flush = (): void => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const dirs = [...pending].sort();
    pending.clear();
    onChange(dirs);
  };
  const changed = (dir: string): void => {
    pending.add(dir);
    timer ??= setTimeout(flush, opts.debounceMs ?? 300);
  };
  const add = (dir: string): void => {
    if (closed || watchers.has(dir)) return;
    if (watchers.size >= maxDirs) {
      if (!limitReported) opts.onLimit?.(watchers.size);
      limitReported = true;
      return;
    }
    let fw: FSWatcher;
    try {
      fw = fsWatch(dir, { persistent: false }, (_event, name) => {
        changed(dir);
        if (name === null) return;
        const child = path.join(dir, name.toString());
        // A new folder must be watched too; lstat, so a new link to a folder is reported but not followed.
        lstat(child).then(
          (st) => {
            if (st.isDirectory()) addTree(child);
          },
          () => {
            const gone = watchers.get(child);
            if (gone) {
              gone.close();
              watchers.delete(child);
            }
          },
        );
      });
    } catch (e) {
      opts.onError?.(dir, e as Error);
      return;
    }
    fw.on('error', (e) => {
      fw.close();
      watchers.delete(dir);
      opts.onError?.(dir, e);
    });
    watchers.set(dir, fw);
  };
  const addTree = (dir: string): void => {
    if (watchers.has(dir)) return;
    add(dir);
    // A folder created with content (mv, cp -r) brings sub-folders that produced no event of their own.
    walkInBackground([dir], { followLinkedRoots: false }).then(
      (sub) => {
        for (const d of sub.dirs) if (typeof d.path === 'string' && d.path !== dir) {
          add(d.path);
          changed(d.path);
        }
      },
      () => undefined,
    );
  };
  for (const d of w.dirs) if (typeof d.path === 'string') add(d.path);
  return {
    get size() {
      return watchers.size;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const fw of watchers.values()) fw.close();
      watchers.clear();
    },
  };
}
