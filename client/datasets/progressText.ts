// Turns a datasets work-done progress message (a DatasetsProgress, sent as JSON text or as an object)
// into one short line. Pure.

const PHASES: Record<string, string> = {
  scan: 'listing',
  size: 'sizing',
  'partial-hash': 'hashing heads',
  'full-hash': 'hashing',
  folders: 'comparing folders',
  git: 'inspecting git',
  verify: 'verifying',
  replace: 'replacing',
};

export function datasetsProgressText(message: unknown): string {
  let p: unknown = message;
  if (typeof message === 'string') {
    try {
      p = JSON.parse(message);
    } catch {
      return message;
    }
  }
  if (typeof p !== 'object' || p === null) return '';
  const { phase, done, total, path } = p as { phase?: unknown; done?: unknown; total?: unknown; path?: unknown };
  const head = `${PHASES[String(phase)] ?? String(phase ?? '')}${typeof done === 'number' ? ` ${done.toLocaleString('en-US')}${typeof total === 'number' ? `/${total.toLocaleString('en-US')}` : ''}` : ''}`;
  return typeof path === 'string' ? `${head} — ${path}` : head;
}
