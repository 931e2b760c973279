/**
 * "Tunebook: Open Example…": a quick pick of the example notebooks shipped in the extension; the chosen one and the
 * data it names are copied into a workspace folder (asking before overwriting) and the notebook is opened.
 */
import * as vscode from 'vscode';
import { parseFtnbBytes } from '../../kernel/format/ftnb';
import { exampleCopyPaths, exampleNotebooks, notebookTitle, planExampleCopy } from './exampleCopy';

interface ExamplePick extends vscode.QuickPickItem {
  file: string;
}

/** Returns the opened notebook, or undefined when the user cancelled. `pick` skips the quick pick (tests, walkthrough links). */
export async function openExample(
  extensionUri: vscode.Uri,
  pick?: string,
): Promise<vscode.NotebookDocument | undefined> {
  const examplesDir = vscode.Uri.joinPath(extensionUri, 'examples');
  const folder = await targetFolder();
  if (!folder) return undefined;

  const files = exampleNotebooks(
    (await vscode.workspace.fs.readDirectory(examplesDir))
      .filter(([, type]) => type === vscode.FileType.File)
      .map(([name]) => name),
  );
  if (files.length === 0) throw new Error(`the extension has no example notebooks in ${examplesDir.fsPath}`);
  const parsed = new Map(
    await Promise.all(
      files.map(
        async (file) =>
          [
            file,
            parseFtnbBytes(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(examplesDir, file)), file),
          ] as const,
      ),
    ),
  );

  let file = pick;
  if (file === undefined) {
    const items: ExamplePick[] = files.map((f) => {
      const cells = parsed.get(f)!.cells;
      return {
        file: f,
        label: notebookTitle(cells.filter((c) => c.kind === 'markdown').map((c) => c.source)) ?? f,
        description: f,
      };
    });
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Tunebook: Open Example',
      placeHolder: `Copy an example notebook into ${folder.name} and open it`,
      matchOnDescription: true,
    });
    if (!chosen) return undefined;
    file = chosen.file;
  }
  const notebook = parsed.get(file);
  if (!notebook) throw new Error(`there is no example named ${file}; the examples are ${files.join(', ')}`);

  const available = new Set(files);
  const dataDir = vscode.Uri.joinPath(examplesDir, 'data');
  for (const [name] of await vscode.workspace.fs.readDirectory(dataDir).then(
    (e) => e,
    () => [] as [string, vscode.FileType][],
  ))
    available.add(`data/${name}`);
  const codeSources = notebook.cells.filter((c) => c.kind === 'code').map((c) => c.source);
  const existing = new Set<string>();
  for (const path of exampleCopyPaths(file, codeSources, available))
    if (await exists(vscode.Uri.joinPath(folder.uri, path))) existing.add(path);
  const plan = planExampleCopy(file, codeSources, available, existing);

  if (plan.conflicts.length > 0) {
    const overwrite = 'Overwrite';
    const answer = await vscode.window.showWarningMessage(
      `${plan.conflicts.join(', ')} already ${plan.conflicts.length === 1 ? 'exists' : 'exist'} in ${folder.name}. Overwrite with the example's copy?`,
      { modal: true },
      overwrite,
    );
    if (answer !== overwrite) return undefined;
  }
  for (const copy of plan.copies) {
    const target = vscode.Uri.joinPath(folder.uri, copy.to);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(examplesDir, copy.from), target, { overwrite: true });
  }
  const document = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(folder.uri, file));
  await vscode.window.showNotebookDocument(document);
  return document;
}

async function targetFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(
      'Tunebook: open a folder first (File > Open Folder…); the example is copied into it.',
    );
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the example into which folder?' });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
