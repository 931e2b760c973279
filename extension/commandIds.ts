/** Command ids; package.json's `contributes.commands` lists the same strings. */
export const COMMANDS = {
  newNotebook: 'tunebook.newNotebook',
  restartKernel: 'tunebook.restartKernel',
  interruptKernel: 'tunebook.interruptKernel',
  showLog: 'tunebook.showLog',
  showFreezeMap: 'tunebook.showFreezeMap',
  comparePrompts: 'tunebook.comparePrompts',
  openRankingPanel: 'tunebook.openRankingPanel',
  loadRankingQueue: 'tunebook.loadRankingQueue',
  openExample: 'tunebook.openExample',
} as const;
