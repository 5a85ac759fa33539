// Starts and stops code-server (the real VS Code workbench with a Node extension host) for the e2e suite.
// Everything it writes (user data, extensions, XDG folders, TMPDIR) stays inside one scratch folder, and
// stopping kills its whole process tree by pid: killing only the top process leaves file watchers behind.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { descendants } from '../../server/proc/procTable';

export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerEntry(repoRoot: string): string {
  return path.join(repoRoot, `.vscode-test/code-server-${CODE_SERVER_VERSION}/node_modules/code-server/out/node/entry.js`);
}

export interface CodeServer {
  url: string;
  pid: number;
  logPath: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  repoRoot: string;
  scratch: string;
  workspace: string;
  settings: Record<string, unknown>;
  env?: Record<string, string>;
  /** Extra code-server CLI arguments. */
  args?: string[];
  /** A .vsix installed into the (fresh) extensions folder before the server starts. */
  installVsix?: string;
}

export async function startCodeServer(o: StartOptions): Promise<CodeServer> {
  const entry = codeServerEntry(o.repoRoot);
  if (!existsSync(entry)) throw new Error(`code-server is not installed (${entry}); run scripts/vscode-e2e/install-code-server.sh`);
  const userData = path.join(o.scratch, 'user-data');
  const dirs = { userData, exts: path.join(o.scratch, 'extensions'), tmp: path.join(o.scratch, 'tmp'), xdg: path.join(o.scratch, 'xdg') };
  for (const d of [path.join(userData, 'User'), dirs.exts, dirs.tmp, path.join(dirs.xdg, 'config'), path.join(dirs.xdg, 'data'), path.join(dirs.xdg, 'cache'), path.join(dirs.xdg, 'state')]) mkdirSync(d, { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'security.workspace.trust.enabled': false,
        ...o.settings,
      },
      null,
      2,
    ),
  );
  if (o.installVsix) {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', dirs.exts, '--install-extension', o.installVsix], { encoding: 'utf8', env: { ...process.env, TMPDIR: dirs.tmp } });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${o.installVsix} failed: ${r.stderr || r.stdout}`);
  }
  const port = await freePort();
  const configPath = path.join(o.scratch, 'cs-config.yaml');
  writeFileSync(configPath, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logPath = path.join(o.scratch, 'code-server.log');
  const log = openSync(logPath, 'a');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    XDG_STATE_HOME: path.join(dirs.xdg, 'state'),
    TMPDIR: dirs.tmp,
    ...o.env,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      '--config', configPath,
      '--user-data-dir', userData,
      '--extensions-dir', dirs.exts,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
      ...(o.args ?? []),
      o.workspace,
    ],
    { env, stdio: ['ignore', log, log], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid!;
  const stop = async (): Promise<void> => {
    const tree = [pid, ...descendants(pid).map((p) => p.pid)];
    for (const p of tree) try { process.kill(p, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of [pid, ...descendants(pid).map((d) => d.pid), ...tree]) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not come up (see ${logPath})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid, logPath, stop };
}
