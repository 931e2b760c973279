/**
 * Every extension <-> kernel message, one file per feature, imported by both sides (the VS Code extension,
 * the headless runner and the kernel process). Style follows vscode-languageserver-protocol: each message is
 * a namespace with its `method` string and a typed `type` built from vscode-jsonrpc. Free of `vscode` and of
 * Node-only APIs.
 */
export * from './base';
export * from './session';
export * from './cells';
export * from './models';
export * from './generation';
export * from './freezeMap';
export * from './promptCompare';
export * from './ranking';
