/**
 * A cell declares, at its top level, a name that would replace a global the kernel and packages rely
 * on (`process`, `console`, `Array`, `display`, ...). Shown as the cell's error before it runs; the
 * user renames the variable or declares it inside a block.
 */
export class ReservedNameError extends Error {
  override readonly name = 'ReservedNameError';

  constructor(
    readonly identifier: string,
    readonly cellName: string,
  ) {
    super(
      `${cellName} declares '${identifier}' at its top level, which would replace the global '${identifier}' that Tunebook and your packages rely on. ` +
        `Rename it or declare it inside a block.`,
    );
    this.stack = `${this.name}: ${this.message}`;
  }
}
