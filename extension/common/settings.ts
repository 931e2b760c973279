/** The extension's settings, read fresh each time (they can change while VS Code runs). */
import * as vscode from 'vscode';
import type { BackendChoice } from '../../kernel/protocol';

export const SETTINGS = {
  section: 'tunebook',
  backend: 'tunebook.backend',
  nodePath: 'tunebook.kernel.nodePath',
  saveOutputs: 'tunebook.saveOutputs',
  annotator: 'tunebook.annotator',
} as const;

export interface TunebookSettings {
  backend: BackendChoice;
  /** Empty: the kernel runs on VS Code's own runtime (ELECTRON_RUN_AS_NODE=1). */
  nodePath: string;
  saveOutputs: boolean;
}

export function readSettings(scope?: vscode.Uri): TunebookSettings {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  const backend = config.get<string>(SETTINGS.backend, 'auto');
  return {
    // An unknown value is passed on, not replaced by 'auto': the kernel then refuses it naming the valid ones.
    backend: backend.trim() as BackendChoice,
    nodePath: (config.get<string>(SETTINGS.nodePath, '') ?? '').trim(),
    saveOutputs: config.get<boolean>(SETTINGS.saveOutputs, true) !== false,
  };
}

/** True when the change affects how kernels are started. */
export function affectsKernel(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SETTINGS.backend) || event.affectsConfiguration(SETTINGS.nodePath);
}

/** The `tunebook.annotator` setting (empty: the OS user name is used), recorded with each ranking. */
export function readAnnotatorSetting(): string {
  return (vscode.workspace.getConfiguration().get<string>(SETTINGS.annotator, '') ?? '').trim();
}
