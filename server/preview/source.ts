// Reads the MIDI a preview request names (bytes from the custom editor's document, or a path) with a
// small cache, so dragging a slider does not re-parse the file on every request.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { MidiDoc } from '../midi/model';
import { parseMidi, readMidiFile } from '../midi/read';
import type { MidiSource } from '../protocol/preview';

/** Parsed files kept: a few open editors, each re-humanized many times. */
const CACHE_SIZE = 4;
const cache = new Map<string, MidiDoc>();

/** The MidiDoc for a source; throws MidiReadError (naming the file) for unreadable input. */
export function readSource(source: MidiSource): MidiDoc {
  const key = keyOf(source);
  const hit = key ? cache.get(key) : undefined;
  if (hit) {
    cache.delete(key!);
    cache.set(key!, hit); // most recently used last
    return hit;
  }
  const doc = source.bytesBase64 !== undefined ? parseMidi(Buffer.from(source.bytesBase64, 'base64'), source.path) : readMidiFile(source.path);
  if (key) {
    cache.set(key, doc);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return doc;
}

/** Bytes: their hash. A path: its identity and version (mtime + size), or none when it cannot be stat'ed. */
function keyOf(source: MidiSource): string | undefined {
  if (source.bytesBase64 !== undefined) return `bytes:${createHash('sha256').update(source.bytesBase64).digest('hex')}:${source.path}`;
  try {
    const st = statSync(source.path);
    return `path:${path.resolve(source.path)}:${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined; // readMidiFile reports the missing file with its own clear message
  }
}

export function clearSourceCache(): void {
  cache.clear();
}

/** The file's base name for titles. */
export function displayName(source: MidiSource): string {
  return path.basename(source.path);
}
