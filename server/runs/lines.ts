// Reading a growing text file by byte offset, complete lines only: a line still being written (no
// '\n' yet) is left for the next read, so a reader never sees half a JSON object.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface LineChunk {
  lines: { text: string; start: number; end: number }[];
  /** Offset just after the last complete line returned. */
  nextOffset: number;
  /** File size and identity when read (a different inode or a smaller size means it was replaced). */
  size: number;
  ino: number;
  /** Whether the read went to the end of the file (only an unfinished line may be left). */
  reachedEnd: boolean;
}

const NL = 0x0a;

/** Complete lines from `offset`, reading at most `maxBytes` (a longer single line is returned whole). */
export function readLines(file: string, offset: number, maxBytes = 4 << 20): LineChunk | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined; // not there yet
  }
  try {
    const st = fstatSync(fd);
    const out: LineChunk = { lines: [], nextOffset: offset, size: st.size, ino: st.ino, reachedEnd: true };
    if (offset >= st.size) return out;
    let want = Math.min(maxBytes, st.size - offset);
    let buf = Buffer.alloc(want);
    let got = readSync(fd, buf, 0, want, offset);
    // A single line longer than maxBytes: keep reading until its newline or the end of the file.
    while (buf.subarray(0, got).lastIndexOf(NL) < 0 && offset + got < st.size) {
      want = Math.min(buf.length * 2, st.size - offset);
      const bigger = Buffer.alloc(want);
      buf.copy(bigger, 0, 0, got);
      buf = bigger;
      got += readSync(fd, buf, got, want - got, offset + got);
    }
    const data = buf.subarray(0, got);
    let start = 0;
    for (let nl = data.indexOf(NL); nl >= 0; nl = data.indexOf(NL, start)) {
      const text = data.toString('utf8', start, nl).replace(/\r$/, '');
      out.lines.push({ text, start: offset + start, end: offset + nl + 1 });
      start = nl + 1;
    }
    out.nextOffset = offset + start;
    out.reachedEnd = offset + got >= st.size;
    return out;
  } finally {
    closeSync(fd);
  }
}

/** The last `n` lines of a file (reads only its tail). */
export function tailLines(file: string, n: number, maxBytes = 256 << 10): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    const lines = buf.toString('utf8').split('\n');
    if (from > 0) lines.shift(); // cut in the middle
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n).map((l) => l.replace(/\r$/, ''));
  } finally {
    closeSync(fd);
  }
}
