// TUNEBOOK_KERNEL_INSPECT -> the Node flag the kernel process is started with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernelInspectArgs } from '../../../../kernel/client/kernelInspect';
import { KernelStartError } from '../../../../kernel/client/kernelStartError';

describe('kernelInspectArgs', () => {
  it('adds no flag when unset or empty', () => {
    assert.deepEqual(kernelInspectArgs(undefined), []);
    assert.deepEqual(kernelInspectArgs('  '), []);
  });

  it('turns a port into --inspect and brk:<port> into --inspect-brk', () => {
    assert.deepEqual(kernelInspectArgs('9230'), ['--inspect=9230']);
    assert.deepEqual(kernelInspectArgs(' brk:9231 '), ['--inspect-brk=9231']);
  });

  it('refuses anything else, naming the variable and the value', () => {
    for (const bad of ['yes', '0', '70000', 'brk:', '9230;rm']) {
      assert.throws(
        () => kernelInspectArgs(bad),
        (e: unknown) =>
          e instanceof KernelStartError &&
          /TUNEBOOK_KERNEL_INSPECT must be a port/.test(e.message) &&
          e.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
  });
});
