import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseFtnb } from '../../../../kernel/format/ftnb';
import {
  ExampleCopyError,
  dataEntriesOf,
  exampleCopyPaths,
  exampleNotebooks,
  notebookTitle,
  planExampleCopy,
} from '../../../../extension/walkthrough/exampleCopy';

const examplesDir = join(__dirname, '..', '..', '..', '..', 'examples');

describe('Open Example: what is copied', () => {
  it('finds the data/ entries a notebook names, as top-level entries, each once', () => {
    const cells = [
      "const a = readFileSync('data/spam-small.jsonl', 'utf8');\nconst b = readFileSync(\"./data/spam-small.jsonl\");",
      'const dir = `data/vit-digits/train`; const e = "data/vit-digits/eval";',
      "const other = 'metadata/x.json'; const tmpl = `data/${name}`; const up = '../data/../secret';",
    ];
    assert.deepEqual(dataEntriesOf(cells), ['data/spam-small.jsonl', 'data/vit-digits']);
    assert.deepEqual(dataEntriesOf(['1 + 1']), []);
  });

  it('lists only *.ftnb files directly in the examples folder, sorted', () => {
    assert.deepEqual(exampleNotebooks(['vit.ftnb', 'data', 'README.md', 'finetune.ftnb', 'out/x.ftnb']), [
      'finetune.ftnb',
      'vit.ftnb',
    ]);
  });

  it('plans the notebook and its data at the same relative paths, and reports what would be overwritten', () => {
    const available = new Set(['finetune.ftnb', 'data/spam-small.jsonl', 'data/vit-digits']);
    const plan = planExampleCopy(
      'finetune.ftnb',
      ["readFileSync('data/spam-small.jsonl')"],
      available,
      new Set(['data/spam-small.jsonl', 'unrelated.txt']),
    );
    assert.deepEqual(plan.copies, [
      { from: 'finetune.ftnb', to: 'finetune.ftnb' },
      { from: 'data/spam-small.jsonl', to: 'data/spam-small.jsonl' },
    ]);
    assert.deepEqual(plan.conflicts, ['data/spam-small.jsonl']);
    assert.deepEqual(planExampleCopy('finetune.ftnb', [], available, new Set()).conflicts, []);
  });

  it('refuses names outside the examples folder and data the extension does not ship, saying which', () => {
    const available = new Set(['a.ftnb']);
    assert.throws(
      () => exampleCopyPaths('../a.ftnb', [], available),
      (e: Error) => e instanceof ExampleCopyError && /not an example notebook name/.test(e.message),
    );
    assert.throws(() => exampleCopyPaths('a.txt', [], available), ExampleCopyError);
    assert.throws(
      () => exampleCopyPaths('a.ftnb', ["'data/missing.csv'"], available),
      (e: Error) => e instanceof ExampleCopyError && /needs data\/missing\.csv/.test(e.message),
    );
  });

  it('takes the first markdown heading as the title', () => {
    assert.equal(
      notebookTitle(['intro text', '# Fine-tune a spam filter\n\nmore', '# Later']),
      'Fine-tune a spam filter',
    );
    assert.equal(notebookTitle(['no heading']), undefined);
  });

  it('every shipped example has a title and all the data it names', () => {
    const available = new Set([
      ...readdirSync(examplesDir),
      ...readdirSync(join(examplesDir, 'data')).map((n) => `data/${n}`),
    ]);
    const notebooks = exampleNotebooks(readdirSync(examplesDir));
    assert.ok(notebooks.includes('finetune.ftnb') && notebooks.includes('hello.ftnb'));
    for (const file of notebooks) {
      const { cells } = parseFtnb(readFileSync(join(examplesDir, file), 'utf8'), file);
      assert.ok(notebookTitle(cells.filter((c) => c.kind === 'markdown').map((c) => c.source)), `${file} has no title`);
      exampleCopyPaths(
        file,
        cells.filter((c) => c.kind === 'code').map((c) => c.source),
        available,
      );
    }
    const finetune = parseFtnb(readFileSync(join(examplesDir, 'finetune.ftnb'), 'utf8'));
    assert.deepEqual(
      exampleCopyPaths(
        'finetune.ftnb',
        finetune.cells.filter((c) => c.kind === 'code').map((c) => c.source),
        available,
      ),
      ['finetune.ftnb', 'data/spam-small.jsonl'],
    );
  });
});
