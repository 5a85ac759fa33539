// The one TreeDataProvider: shows a projection (TreeNode[]) that a model rebuilds on change.
// Elements are node ids, so they stay stable across refreshes and `reveal` works; getChildren,
// getTreeItem and getParent are lookups in a prebuilt index and never do I/O.

import * as vscode from 'vscode';
import { NodeIndex, type TreeNode } from './node';
import type { Unsubscribe } from './signal';

export class ProjectedTree implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private index = new NodeIndex([]);
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: Unsubscribe;

  /** `project` is called once per model change; `changed` is the model's signal. */
  constructor(
    private readonly project: () => TreeNode[],
    changed: { on(listener: () => void): Unsubscribe },
  ) {
    this.rebuild();
    this.subscription = changed.on(() => {
      this.rebuild();
      this.emitter.fire(undefined);
    });
  }

  private rebuild(): void {
    this.index = new NodeIndex(this.project());
  }

  /** The current projection, for the e2e snapshot. */
  nodes(): TreeNode[] {
    return this.index.all();
  }

  getChildren(element?: string): string[] {
    return this.index.children(element ?? null).map((n) => n.id);
  }

  getParent(element: string): string | undefined {
    return this.index.node(element)?.parentId ?? undefined;
  }

  getTreeItem(element: string): vscode.TreeItem {
    const node = this.index.node(element);
    if (!node) return new vscode.TreeItem('(gone)');
    return toTreeItem(node);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

const COLLAPSE: Record<TreeNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

function toTreeItem(node: TreeNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, COLLAPSE[node.collapsible]);
  item.id = node.id;
  if (node.description !== undefined) item.description = node.description;
  if (node.tooltip !== undefined) item.tooltip = new vscode.MarkdownString(node.tooltip);
  if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
  if (node.contextValue !== undefined) item.contextValue = node.contextValue;
  if (node.resourcePath !== undefined) item.resourceUri = vscode.Uri.file(node.resourcePath);
  if (node.command) item.command = { command: node.command.id, title: node.command.title, arguments: node.command.args };
  return item;
}
