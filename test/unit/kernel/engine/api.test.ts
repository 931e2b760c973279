// The engine's public API report (kernel/engine/api.md) matches what kernel/engine/index.ts exports, so a
// change to the public surface shows up in review. UPDATE_API_REPORT=1 (npm run api:update) rewrites it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { API_REPORT, engineExports, lineDiff, renderApiReport } from './apiReport';

const root = join(__dirname, '..', '..', '..', '..');

describe('engine API report', () => {
  it('kernel/engine/api.md lists every export of kernel/engine/index.ts', () => {
    const exports = engineExports(root);
    const names = new Set(exports.map((e) => e.name));
    for (const known of ['train', 'load', 'tf', 'AdamW', 'TrainOptions', 'lora', 'dpo', 'BackendError']) {
      assert.ok(names.has(known), `the report should see ${known}`);
    }
    assert.equal(exports.find((e) => e.name === 'AdamW')?.kind, 'class');
    assert.equal(exports.find((e) => e.name === 'train')?.kind, 'function');
    assert.equal(exports.find((e) => e.name === 'TrainOptions')?.kind, 'interface');
    const report = renderApiReport(exports);
    const file = join(root, API_REPORT);
    if (process.env.UPDATE_API_REPORT === '1') writeFileSync(file, report);
    const checkedIn = existsSync(file) ? readFileSync(file, 'utf8') : '';
    assert.ok(
      checkedIn === report,
      `${API_REPORT} is out of date with kernel/engine/index.ts. If the change is intended, run ` +
        `\`npm run api:update\` and commit ${API_REPORT}. Difference (- in the file, + in the code):\n` +
        lineDiff(checkedIn, report),
    );
  });

  it('the diff names what was added and what was removed', () => {
    assert.equal(lineDiff('a\nb\nc', 'a\nc\nd'), '- b\n+ d');
  });
});
