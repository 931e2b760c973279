/**
 * Tunebook's layering (ARCHITECTURE.md, "Layering"), checked by `npm run lint:deps`. Arrows point down:
 * extension -> kernel/client, kernel/protocol, kernel/format, kernel/store; webviews -> kernel/protocol;
 * kernel/server -> kernel/cells -> kernel/engine; kernel/format and kernel/store sit at the bottom.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kernel-never-imports-vscode',
      comment:
        'kernel/ runs outside VS Code (kernel process, CLI, headless runner): only extension/ may import vscode.',
      severity: 'error',
      from: { path: '^kernel/' },
      to: { path: '^vscode$|node_modules/@types/vscode/' },
    },
    {
      name: 'engine-never-imports-process-code',
      comment:
        'kernel/engine is what a cell imports; it must not depend on the kernel process, the cell runtime or the client.',
      severity: 'error',
      from: { path: '^kernel/engine/' },
      to: { path: '^kernel/(server|cells|client)/' },
    },
    {
      name: 'cells-never-import-server-or-client',
      comment: 'The cell runtime is used by the server; it must not reach back up to it or to the client.',
      severity: 'error',
      from: { path: '^kernel/cells/' },
      to: { path: '^kernel/(server|client)/' },
    },
    {
      name: 'webviews-import-only-kernel-protocol',
      comment: 'Webviews are browser code: of kernel/ they may use only the protocol types.',
      severity: 'error',
      from: { path: '^webviews/' },
      to: { path: '^kernel/', pathNot: '^kernel/protocol/' },
    },
    {
      name: 'webviews-never-import-vscode-or-extension',
      comment: 'Webviews talk to the extension by messages only (webviews/<panel>/messages.ts).',
      severity: 'error',
      from: { path: '^webviews/' },
      to: { path: '^extension/|^vscode$|node_modules/@types/vscode/' },
    },
    {
      name: 'extension-uses-kernel-through-client',
      comment:
        'The extension host starts the kernel as a process; it uses kernel/client, protocol, format and store only.',
      severity: 'error',
      from: { path: '^extension/' },
      to: { path: '^kernel/(engine|server|cells)/' },
    },
    {
      name: 'protocol-is-pure',
      comment: 'kernel/protocol is shared by every process: it imports nothing of the repository but itself.',
      severity: 'error',
      from: { path: '^kernel/protocol/' },
      to: { path: '^(kernel|extension|webviews)/', pathNot: '^kernel/protocol/' },
    },
    {
      name: 'format-imports-nothing-above-it',
      comment: 'kernel/format (.ftnb) is shared by extension, server and CLI: it may use only the protocol types.',
      severity: 'error',
      from: { path: '^kernel/format/' },
      to: { path: '^(kernel|extension|webviews)/', pathNot: '^kernel/(format|protocol)/' },
    },
    {
      name: 'store-imports-nothing-above-it',
      comment:
        'kernel/store (preference store) is shared by extension and engine: it imports nothing else of the repository.',
      severity: 'error',
      from: { path: '^kernel/store/' },
      to: { path: '^(kernel|extension|webviews)/', pathNot: '^kernel/store/' },
    },
    {
      name: 'no-circular',
      comment:
        'Import cycles make load order matter and files impossible to read alone. A cycle closed by a type-only ' +
        'import is erased at compile time and allowed (two in kernel/engine: trainData/trainOptions, saveModel/transformerModel).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|kernel/assets|test-results|\\.vscode-test|\\.tools)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
