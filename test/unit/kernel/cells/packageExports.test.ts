import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveEsmPackage } from '../../../../kernel/cells/packageExports';
import { makeNotebookDir, removeDir } from '../helpers/kernelHarness';

describe('resolveEsmPackage', () => {
  const dir = makeNotebookDir(['esm-greeter', 'greeter']);
  after(() => removeDir(dir));

  it('finds the "import" target of a package and of its subpaths, from a nested folder', () => {
    const nested = join(dir, 'a', 'b');
    assert.equal(resolveEsmPackage('esm-greeter', nested), join(dir, 'node_modules', 'esm-greeter', 'index.js'));
    assert.equal(resolveEsmPackage('esm-greeter/shout', dir), join(dir, 'node_modules', 'esm-greeter', 'shout.js'));
  });

  it('falls back to "main" without "exports", and gives up on unknown packages and subpaths', () => {
    assert.equal(resolveEsmPackage('greeter', dir), join(dir, 'node_modules', 'greeter', 'index.js'));
    assert.equal(resolveEsmPackage('esm-greeter/missing', dir), undefined);
    assert.equal(resolveEsmPackage('no-such-package', dir), undefined);
  });
});
