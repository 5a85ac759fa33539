// Datasets view projection: one node per root with its size; below it the largest folders, duplicate
// groups with reclaimable bytes, git-bloat warnings and unreadable entries, once a scan has run. Pure.

import type { DupeGroup, FolderDupeGroup, GitRepoReport } from '../../server/protocol';
import { formatBytes } from '../format';
import type { TreeNode } from '../tree/node';
import type { DatasetReports } from './datasetsModel';

export const rootNodeId = (root: string): string => `root:${root}`;
const MAX_LISTED = 20;

/** Whether `p` is `root` or inside it (either separator). */
export function isUnder(p: string, root: string): boolean {
  const r = root.replace(/[\\/]+$/, '');
  return p === r || p.startsWith(r + '/') || p.startsWith(r + '\\');
}

/** The root a path belongs to: the longest containing root (roots may nest), else the first. */
function ownerRoot(roots: readonly string[], p: string): string | undefined {
  return roots.filter((r) => isUnder(p, r)).sort((a, b) => b.length - a.length)[0] ?? roots[0];
}

export function baseName(p: string): string {
  const parts = p.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

export function projectDatasets(roots: readonly string[], reports: DatasetReports): TreeNode[] {
  const nodes: TreeNode[] = [];
  const { scan, dupes, git } = reports;
  for (const root of roots) {
    const rid = rootNodeId(root);
    const usage = scan?.roots.find((u) => u.path === root);
    const changed = reports.changedDirs.some((d) => isUnder(d, root));
    const parts = [usage ? `${formatBytes(usage.allocatedBytes)} · ${usage.files.toLocaleString('en-US')} files` : scan ? 'not scanned' : root];
    if (changed) parts.push('changed since the scan');
    const group = (id: string, label: string, description: string, icon: string, color?: string): string => {
      const gid = `${rid}|${id}`;
      nodes.push({ id: gid, parentId: rid, label, description, icon: color ? { id: icon, color } : { id: icon }, collapsible: 'collapsed', contextValue: `rubato.datasetGroup.${id}` });
      return gid;
    };
    nodes.push({
      id: rid,
      parentId: null,
      label: baseName(root),
      description: parts.join(' · '),
      tooltip: `\`${root}\`${scan ? '' : '\n\nRun **Rubato: Scan Datasets** for sizes, duplicates and git bloat.'}`,
      icon: { id: 'database' },
      contextValue: 'rubato.datasetRoot',
      collapsible: scan || dupes || git ? 'expanded' : 'none',
      resourcePath: root,
    });

    const folders = (scan?.largestFolders ?? []).filter((f) => f.path !== root && ownerRoot(roots, f.path) === root).slice(0, 10);
    if (folders.length) {
      const gid = group('largest', 'Largest folders', `${folders.length}`, 'list-ordered');
      for (const f of folders) nodes.push(pathNode(`${gid}|${f.path}`, gid, f.path, `${formatBytes(f.allocatedBytes)} · ${f.files.toLocaleString('en-US')} files`, 'folder'));
    }

    const folderGroups = (dupes?.folderGroups ?? []).filter((g) => ownerRoot(roots, g.canonical) === root);
    const fileGroups = (dupes?.groups ?? []).filter((g) => ownerRoot(roots, g.canonical) === root);
    if (folderGroups.length || fileGroups.length) {
      const reclaim = [...folderGroups, ...fileGroups].reduce((s, g) => s + g.reclaimableBytes, 0);
      const gid = group('dupes', 'Duplicates', `${folderGroups.length + fileGroups.length} groups · ${formatBytes(reclaim)} reclaimable`, 'files');
      const ranked: (DupeGroup | FolderDupeGroup)[] = [...folderGroups, ...fileGroups].sort((a, b) => b.reclaimableBytes - a.reclaimableBytes).slice(0, MAX_LISTED);
      for (const g of ranked) {
        const isFolder = 'folders' in g;
        const copies = isFolder ? g.folders : g.files;
        const id = `${gid}|${isFolder ? 'folder' : 'file'}:${isFolder ? g.signature : g.hash}`;
        nodes.push({
          id,
          parentId: gid,
          label: baseName(g.canonical),
          description: `${copies.length} copies · ${formatBytes(g.reclaimableBytes)} reclaimable${isFolder && g.datasetCache ? ' · dataset cache' : ''}`,
          tooltip: `Canonical copy: \`${g.canonical}\``,
          icon: { id: isFolder ? 'files' : 'file' },
          contextValue: isFolder ? 'rubato.dupeFolderGroup' : 'rubato.dupeFileGroup',
          collapsible: 'collapsed',
        });
        for (const p of copies) nodes.push(pathNode(`${id}|${p}`, id, p, p === g.canonical ? 'canonical' : '', isFolder ? 'folder' : 'file'));
      }
    }

    const repos = (git?.repos ?? []).filter((r: GitRepoReport) => (r.warnings.length > 0 || r.error) && ownerRoot(roots, r.path) === root);
    if (repos.length) {
      const gid = group('git', 'Git bloat', `${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'}`, 'warning', 'list.warningForeground');
      for (const r of repos) {
        const id = `${gid}|${r.path}`;
        nodes.push({
          id,
          parentId: gid,
          label: baseName(r.path),
          description: r.error ?? `${formatBytes(r.objects.totalBytes)} in .git · ${formatBytes(r.unreachable.diskBytes)} unreachable`,
          tooltip: [`\`${r.path}\``, ...r.warnings].join('\n\n'),
          icon: { id: r.error ? 'error' : 'repo' },
          contextValue: 'rubato.gitRepo',
          collapsible: r.warnings.length ? 'collapsed' : 'none',
          resourcePath: r.path,
        });
        r.warnings.forEach((w, i) => nodes.push({ id: `${id}|w${i}`, parentId: id, label: w, icon: { id: 'warning', color: 'list.warningForeground' }, collapsible: 'none' }));
      }
    }

    const problems = [...(scan?.problems ?? []), ...(dupes?.problems ?? [])].filter((p) => ownerRoot(roots, p.path) === root);
    if (problems.length) {
      const gid = group('problems', 'Unreadable entries', `${problems.length}`, 'error', 'list.errorForeground');
      const seen = new Set<string>();
      for (const p of problems.slice(0, MAX_LISTED * 5)) {
        const id = `${gid}|${p.kind}:${p.path}`;
        if (seen.has(id)) continue;
        seen.add(id);
        nodes.push({ id, parentId: gid, label: baseName(p.path), description: `${p.kind}: ${p.message}`, tooltip: `\`${p.path}\``, icon: { id: 'circle-slash' }, collapsible: 'none' });
      }
    }
  }
  return nodes;
}

function pathNode(id: string, parentId: string, p: string, description: string, icon: string): TreeNode {
  return { id, parentId, label: baseName(p), description, tooltip: `\`${p}\``, icon: { id: icon }, contextValue: 'rubato.datasetPath', collapsible: 'none', resourcePath: p };
}
