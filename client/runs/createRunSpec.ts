// "Create Run Spec": copies the template the server ships (server/runspec/template.run.toml) to a new
// `<name>.run.toml` in the workspace. Never replaces an existing file.

import * as vscode from 'vscode';
import type { RubatoContext } from '../context';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

export async function createRunSpec(ctx: RubatoContext): Promise<vscode.Uri | undefined> {
  const template = vscode.Uri.joinPath(ctx.ext.extensionUri, 'server', 'runspec', 'template.run.toml');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let target: vscode.Uri | undefined;
  if (folder) {
    const name = await vscode.window.showInputBox({
      title: 'Rubato: Create Run Spec',
      prompt: `A new run spec in ${folder.fsPath}`,
      value: 'experiment',
      validateInput: (v) => (NAME.test(v.replace(/\.run\.toml$/, '')) ? null : 'Letters, digits, ".", "_" and "-" only'),
    });
    if (!name) return undefined;
    target = vscode.Uri.joinPath(folder, `${name.replace(/\.run\.toml$/, '')}.run.toml`);
  } else {
    target = await vscode.window.showSaveDialog({ filters: { 'Rubato run spec': ['run.toml'] }, saveLabel: 'Create Run Spec' });
    if (!target) return undefined;
  }
  if (await exists(target)) {
    void vscode.window.showErrorMessage(`Rubato: ${target.fsPath} already exists; choose another name.`);
    return undefined;
  }
  try {
    await vscode.workspace.fs.writeFile(target, await vscode.workspace.fs.readFile(template));
  } catch (err) {
    void vscode.window.showErrorMessage(`Rubato: cannot create ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  await vscode.window.showTextDocument(target);
  return target;
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
