import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../../../../kernel/engine/data/dataError';
import { IGNORE_INDEX } from '../../../../../kernel/engine/data/encode/causalLm';
import {
  loadClassificationData,
  loadPreferenceData,
  loadSftData,
  readClassificationRecords,
} from '../../../../../kernel/engine/data/load';
import { readAllRecords, readRecords } from '../../../../../kernel/engine/data/readers/readRecords';
import { bertLike, llamaLike, wordId } from './tinyTokenizers';

const dir = mkdtempSync(join(tmpdir(), 'tunebook-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const B = (w: string) => wordId(w, 4);

async function rejectsWith(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('classification from JSONL, CSV, JSON and arrays gives the same examples and label map', async () => {
  const rows = [
    { text: 'the cat is good', label: 'pos' },
    { text: 'the dog is bad', label: 'neg' },
    { text: 'a cat sat', label: 'pos' },
  ];
  const sources = [
    file('c.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')),
    file('c.csv', 'text,label\r\n' + rows.map((r) => `"${r.text}",${r.label}`).join('\r\n')),
    file('c.tsv', 'text\tlabel\n' + rows.map((r) => `${r.text}\t${r.label}`).join('\n')),
    file('c.json', JSON.stringify(rows, null, 2)),
    file('lines.json', rows.map((r) => JSON.stringify(r)).join('\n')),
    rows,
  ];
  const tokenizer = bertLike();
  for (const source of sources) {
    const { dataset, labelMap } = await loadClassificationData(source, { tokenizer, maxLength: 4 });
    assert.deepEqual(labelMap.names, ['neg', 'pos']);
    assert.deepEqual(
      [...dataset],
      [
        { inputIds: [2, B('the'), B('cat'), 3], label: 1 },
        { inputIds: [2, B('the'), B('dog'), 3], label: 0 },
        { inputIds: [2, B('a'), B('cat'), 3], label: 1 },
      ],
    );
  }
});

test('a row without a label is reported as file:line: missing "label"', async () => {
  const lines = Array.from({ length: 16 }, (_, i) =>
    JSON.stringify({ text: `message ${i}`, label: i % 2 ? 'spam' : 'ham' }),
  );
  lines.push(JSON.stringify({ text: 'win money', lable: 'spam' }));
  const path = file('spam.jsonl', lines.join('\n') + '\n');
  await rejectsWith(readClassificationRecords(path), `${path}:17: missing "label" (the row has "text", "lable")`);
});

test('field problems and labels outside a fixed label set name the row', async () => {
  const tokenizer = bertLike();
  await rejectsWith(
    loadClassificationData([{ text: 'a', label: 1.5 }], { tokenizer }),
    'records[0]: "label" must be a string or an integer >= 0, got 1.5',
  );
  await rejectsWith(
    loadClassificationData(
      [
        { text: 'a', label: 'x' },
        { text: 42, label: 'x' },
      ],
      { tokenizer },
    ),
    'records[1]: "text" must be a string, got a number',
  );
  await rejectsWith(
    loadClassificationData([{ text: 'a', label: '  ' }], { tokenizer }),
    'records[0]: "label" is empty',
  );
  await rejectsWith(
    loadClassificationData(['text'], { tokenizer, name: 'my rows' }),
    'my rows[0]: expected an object, got a string',
  );
  const csv = file('fixed.csv', 'text,label\na,pos\nb,neutral\n');
  await rejectsWith(
    loadClassificationData(csv, { tokenizer, labels: ['neg', 'pos'] }),
    `${csv}:3: label "neutral" is not one of the labels: neg, pos`,
  );
  await rejectsWith(
    loadClassificationData(file('empty.jsonl', '\n\n'), { tokenizer }),
    `${join(dir, 'empty.jsonl')}: holds no records`,
  );
  await rejectsWith(
    loadClassificationData(join(dir, 'missing.jsonl'), { tokenizer }),
    `${join(dir, 'missing.jsonl')}: file not found`,
  );
  await rejectsWith(
    loadClassificationData(join(dir, 'data.parquet'), { tokenizer }),
    /cannot tell the data format from the extension ".parquet"/,
  );
  const renamed = await loadClassificationData([{ sentence: 'good', sentiment: 3 }], {
    tokenizer,
    textField: 'sentence',
    labelField: 'sentiment',
  });
  assert.equal(renamed.labelMap.size, 4);
  assert.equal(renamed.dataset.at(0).label, 3);
});

test('SFT and preference data load from files into labelled sequences', async () => {
  const tokenizer = llamaLike();
  const sft = await loadSftData(file('sft.jsonl', '{"prompt": "q why", "completion": "because"}\n'), { tokenizer });
  assert.deepEqual(sft.at(0), {
    inputIds: [2, B('q'), B('why'), B('because'), 3],
    labels: [IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, B('because'), 3],
  });
  const prefs = await loadPreferenceData(file('dpo.csv', 'prompt,chosen,rejected\nq,yes,no\n'), { tokenizer });
  assert.deepEqual(prefs.at(0).chosen.inputIds, [2, B('q'), B('yes'), 3]);
  assert.deepEqual(prefs.at(0).rejected.inputIds, [2, B('q'), B('no'), 3]);
  await rejectsWith(
    loadPreferenceData([{ prompt: 'q', chosen: 'yes' }], { tokenizer }),
    'records[0]: missing "rejected" (the row has "prompt", "chosen")',
  );
});

test('large files are streamed in chunks: 20000 CSV rows with embedded newlines read with 1 KiB chunks', async () => {
  const lines = ['text,label'];
  for (let i = 0; i < 20000; i++) lines.push(`"row ${i}, ""quoted""\nsecond line",${i % 3}`);
  const path = file('big.csv', lines.join('\r\n'));
  const records = await readAllRecords(path, { chunkSize: 1024 });
  assert.equal(records.length, 20000);
  assert.deepEqual(records[12345].value, { text: 'row 12345, "quoted"\nsecond line', label: '0' });
  assert.equal(records[12345].location.line, 2 + 2 * 12345);
  let first;
  for await (const record of readRecords(path, { chunkSize: 1024 })) {
    first = record;
    break;
  }
  assert.deepEqual(first?.value, { text: 'row 0, "quoted"\nsecond line', label: '0' });
});
