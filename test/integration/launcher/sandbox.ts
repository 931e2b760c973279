// A throwaway home for one code-server run: user data (with test settings), extensions,
// config file, XDG dirs. Nothing in the developer's own VS Code profile is touched.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './tempDirs';

export interface Sandbox {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
  xdgDir: string;
  remove(): void;
}

/** Settings that keep the workbench quiet and deterministic under test. */
export const testUserSettings: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'files.autoSave': 'off',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'editor.accessibilitySupport': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  'window.commandCenter': false,
};

export function createSandbox(extraSettings: Record<string, unknown> = {}): Sandbox {
  const { dir: root, remove } = makeTempDir('tunebook-vscode-');
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const xdgDir = join(root, 'xdg');
  const configFile = join(root, 'code-server.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(xdgDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...testUserSettings, ...extraSettings }, null, 2),
  );
  // Everything is on the command line; the file only stops code-server from writing a default one to $HOME.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  return {
    root,
    userDataDir,
    extensionsDir,
    configFile,
    xdgDir,
    remove,
  };
}
