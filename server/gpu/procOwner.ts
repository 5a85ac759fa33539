// Who runs a process and how much memory it holds, from /proc/<pid>/status, with uids named through /etc/passwd.
// Best effort: anything unreadable is null, never an error (another user's process may hide its details).

import { readFileSync } from 'node:fs';

export interface ProcOwner {
  uid: number | null;
  rssBytes: number | null;
}

/** Parses the `Uid:` (real uid) and `VmRSS:` lines of /proc/<pid>/status. */
export function parseProcStatus(text: string): ProcOwner {
  const uid = /^Uid:\s+(\d+)/m.exec(text);
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return { uid: uid ? Number(uid[1]) : null, rssBytes: rss ? Number(rss[1]) * 1024 : null };
}

export function readProcOwner(pid: number): ProcOwner {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { uid: null, rssBytes: null };
  }
}

/** uid → name from passwd-format text (`name:x:uid:gid:…`). */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return names;
}

let passwdCache: Map<number, string> | undefined;

/** The user's name, or the uid as text when /etc/passwd does not name it (LDAP users, containers). */
export function userName(uid: number | null): string | null {
  if (uid === null) return null;
  if (!passwdCache) {
    try {
      passwdCache = parsePasswd(readFileSync('/etc/passwd', 'utf8'));
    } catch {
      passwdCache = new Map();
    }
  }
  return passwdCache.get(uid) ?? String(uid);
}
