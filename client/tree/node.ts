// The plain data a tree view shows: models project their state into these, the generic provider turns
// them into TreeItems. No vscode import, so projections are unit-tested without an editor.

export type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface TreeNode {
  /** Stable across refreshes (derived from domain ids, never from positions), unique within its view. */
  id: string;
  parentId: string | null;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon id (`sync~spin` spins), with an optional theme colour id. */
  icon?: { id: string; color?: string };
  /** What `view/item/context` menus match with `viewItem`. */
  contextValue?: string;
  collapsible: Collapsible;
  /** A file or folder the node stands for (resourceUri: file icons, drag, "reveal"). */
  resourcePath?: string;
  /** Command run when the node is clicked. */
  command?: { id: string; title: string; args: unknown[] };
}

/** Parent/children lookups over one projection; built once per model change, so lookups never do I/O. */
export class NodeIndex {
  private readonly byId = new Map<string, TreeNode>();
  private readonly kids = new Map<string | null, TreeNode[]>();

  constructor(nodes: readonly TreeNode[]) {
    for (const n of nodes) {
      if (this.byId.has(n.id)) throw new Error(`duplicate tree node id ${n.id}`);
      this.byId.set(n.id, n);
      const list = this.kids.get(n.parentId) ?? [];
      list.push(n);
      this.kids.set(n.parentId, list);
    }
  }

  node(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  children(id: string | null): TreeNode[] {
    return this.kids.get(id) ?? [];
  }

  all(): TreeNode[] {
    return [...this.byId.values()];
  }
}
