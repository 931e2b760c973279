/**
 * Tunebook's VS Code entry point. activate() only wires parts together; each part owns what it
 * creates and everything lands in context.subscriptions. A part that fails to wire is logged and
 * skipped, so activation itself never throws.
 */
import * as vscode from 'vscode';
import { registerCommands, type CommandDeps } from './commands';
import { Log, describeError } from './common/log';
import { KernelStatusBar } from './kernel/kernelStatus';
import { NotebookRuntimes } from './kernel/notebookRuntimes';
import { watchKernelSettings } from './kernel/settingsChangePrompt';
import { startKernel } from './kernel/startKernel';
import { TunebookController } from './notebook/controller';
import { FtnbSerializer } from './notebook/ftnbSerializer';
import { FreezeMapPanels } from './panels/freezeMap';
import { NOTEBOOK_TYPE } from './notebook/notebookType';
import { PromptComparePanels } from './panels/promptCompare';
import { RankingViewProvider } from './panels/ranking';

let runtimes: NotebookRuntimes | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  context.subscriptions.push(log);
  const wire = (part: string, create: () => vscode.Disposable | vscode.Disposable[]): void => {
    try {
      const created = create();
      context.subscriptions.push(...(Array.isArray(created) ? created : [created]));
    } catch (error) {
      log.error(`Tunebook could not set up ${part}`, describeError(error));
    }
  };

  // Commands first: test harnesses and users may call them as soon as the extension is active.
  const deps: CommandDeps = { log, extensionUri: context.extensionUri };
  wire('its commands', () => registerCommands(deps));
  wire('the .ftnb serializer', () =>
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new FtnbSerializer((message) => log.warn(message)), {
      transientOutputs: false,
    }),
  );
  wire('kernels', () => {
    runtimes = new NotebookRuntimes((notebook) => startKernel(notebook, context.extensionUri, log), log);
    deps.runtimes = runtimes;
    return runtimes;
  });
  if (runtimes) {
    const kernels = runtimes;
    wire('the notebook controller', () => (deps.controller = new TunebookController(kernels, log)));
    wire('the kernel status bar item', () => new KernelStatusBar(kernels));
    wire('the settings watcher', () => watchKernelSettings(kernels, log));
    wire('the freeze map panels', () => (deps.freezeMaps = new FreezeMapPanels(kernels, context.extensionUri, log)));
  }
  wire('the ranking panel', () => {
    const { provider, disposables } = RankingViewProvider.register(context.extensionUri, log, () => runtimes);
    deps.ranking = provider;
    return disposables;
  });
  wire(
    'the prompt comparison',
    () => (deps.promptCompare = new PromptComparePanels(() => runtimes, context.extensionUri, log)),
  );
  log.info(
    `Tunebook activated (VS Code ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'})`,
  );
}

/** Stops every kernel process before VS Code shuts the extension host down. */
export async function deactivate(): Promise<void> {
  await runtimes?.closeAll();
  runtimes = undefined;
}
