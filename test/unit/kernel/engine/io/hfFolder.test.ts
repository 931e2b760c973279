import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHfFolder, writeHfFolder } from '../../../../../kernel/engine/io/hfFolder';
import { HfFolderError } from '../../../../../kernel/engine/io/hfFolderError';
import { SafetensorsError } from '../../../../../kernel/engine/io/safetensorsError';
import type { TensorEntry } from '../../../../../kernel/engine/io/safetensors';

// test/fixtures/io/sharded was written by scripts/make_io_fixtures.py (Python, by hand from the format spec).
const SHARDED = join(__dirname, '../../../../fixtures/io/sharded');
const expected = JSON.parse(
  readFileSync(join(__dirname, '../../../../fixtures/io/sharded.expected.json'), 'utf8'),
) as Record<string, { shape: number[]; f32_bits: string[] }>;

function bitsOf(values: Float32Array): string[] {
  return Array.from(new Uint32Array(values.slice().buffer), (v) => v.toString(16).padStart(8, '0'));
}
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunebook-hf-'));
  cpSync(SHARDED, dir, { recursive: true });
  return dir;
}
async function assertFolderError(dir: string, pattern: RegExp, file?: string): Promise<void> {
  await assert.rejects(readHfFolder(dir), (e: unknown) => {
    assert.ok(e instanceof HfFolderError, `expected HfFolderError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.file, file);
    return true;
  });
}

test('reads the Python-written sharded folder: every tensor from its shard, bit for bit', async () => {
  const folder = await readHfFolder(SHARDED);
  assert.equal(folder.config.model_type, 'gpt2');
  assert.deepEqual([...folder.weights.keys()].sort(), Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const tensor = folder.weights.get(name)!;
    assert.deepEqual(tensor.shape, want.shape, name);
    assert.deepEqual(bitsOf(tensor.data as Float32Array), want.f32_bits, name);
  }
  assert.equal((folder.tokenizerJson as { model: { type: string } }).model.type, 'WordPiece');
  assert.deepEqual(folder.tokenizerConfig, { unk_token: '[UNK]', model_max_length: 6 });
  assert.equal((folder.preprocessorConfig as { do_resize: boolean }).do_resize, false);
});

test('write then read keeps everything, single file and sharded', async () => {
  const source = await readHfFolder(SHARDED);
  const weights = [...source.weights.values()];
  for (const maxShardBytes of [undefined, 200]) {
    const dir = mkdtempSync(join(tmpdir(), 'tunebook-hf-'));
    try {
      await writeHfFolder(
        dir,
        {
          config: source.config,
          weights,
          tokenizerJson: source.tokenizerJson,
          tokenizerConfig: source.tokenizerConfig,
          preprocessorConfig: source.preprocessorConfig,
        },
        { maxShardBytes },
      );
      const files = readdirSync(dir).sort();
      if (maxShardBytes === undefined)
        assert.ok(files.includes('model.safetensors') && !files.includes('model.safetensors.index.json'));
      else
        assert.ok(
          files.includes('model.safetensors.index.json') &&
            files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length >= 2,
          files.join(),
        );
      assert.ok(!files.some((f) => f.includes('.tmp-')), 'no temporary files left');
      const back = await readHfFolder(dir);
      assert.deepEqual(back.config, source.config);
      assert.deepEqual(back.tokenizerJson, source.tokenizerJson);
      assert.deepEqual(back.preprocessorConfig, source.preprocessorConfig);
      for (const [name, want] of Object.entries(expected))
        assert.deepEqual(bitsOf(back.weights.get(name)!.data as Float32Array), want.f32_bits, name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('re-saving a sharded folder as one file removes the stale shards and index', async () => {
  const dir = scratchCopy();
  try {
    const weights: TensorEntry[] = [{ name: 'w', dtype: 'F32', shape: [1], data: new Float32Array([2]) }];
    await writeHfFolder(dir, { config: { model_type: 'gpt2' }, weights });
    const files = readdirSync(dir);
    assert.ok(files.includes('model.safetensors'));
    assert.ok(!files.some((f) => f.startsWith('model-') || f === 'model.safetensors.index.json'), files.join());
    assert.deepEqual([...(await readHfFolder(dir)).weights.keys()], ['w']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('clear errors: missing folder, config, shard, tensor, weights; bad JSON; corrupt shard', async () => {
  await assertFolderError(join(tmpdir(), 'tunebook-no-such-folder-xyz'), /does not exist/);
  const cases: Array<[string, (dir: string) => void, RegExp, string | undefined]> = [
    [
      'missing config',
      (d) => unlinkSync(join(d, 'config.json')),
      /not found: a Hugging Face model folder needs config\.json/,
      'config.json',
    ],
    [
      'bad config JSON',
      (d) => writeFileSync(join(d, 'config.json'), '{"model_type": '),
      /is not valid JSON/,
      'config.json',
    ],
    [
      'config not an object',
      (d) => writeFileSync(join(d, 'config.json'), '[1]'),
      /is not a JSON object/,
      'config.json',
    ],
    [
      'missing shard',
      (d) => unlinkSync(join(d, 'model-00002-of-00002.safetensors')),
      /is missing but model\.safetensors\.index\.json lists 4 tensor\(s\) in it .*incomplete/,
      'model-00002-of-00002.safetensors',
    ],
    [
      'tensor in index but absent',
      (d) => {
        const index = JSON.parse(readFileSync(join(d, 'model.safetensors.index.json'), 'utf8'));
        index.weight_map['lm_head.weight'] = 'model-00001-of-00002.safetensors';
        writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify(index));
      },
      /says tensor "lm_head\.weight" is in this shard, but it is not/,
      'model-00001-of-00002.safetensors',
    ],
    [
      'tensor in the wrong shard',
      (d) => {
        const index = JSON.parse(readFileSync(join(d, 'model.safetensors.index.json'), 'utf8'));
        index.weight_map['transformer.ln_f.bias'] = 'model-00001-of-00002.safetensors';
        writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify(index));
      },
      /says tensor "transformer\.ln_f\.bias" is in this shard, but it is not/,
      'model-00001-of-00002.safetensors',
    ],
    [
      'index without weight_map',
      (d) => writeFileSync(join(d, 'model.safetensors.index.json'), '{"metadata":{}}'),
      /has no "weight_map" object/,
      'model.safetensors.index.json',
    ],
    [
      'shard path escapes the folder',
      (d) => writeFileSync(join(d, 'model.safetensors.index.json'), '{"weight_map":{"w":"../x.safetensors"}}'),
      /not a file name in this folder/,
      'model.safetensors.index.json',
    ],
    [
      'no weights at all',
      (d) => {
        for (const f of readdirSync(d)) if (f.includes('safetensors')) unlinkSync(join(d, f));
        writeFileSync(join(d, 'pytorch_model.bin'), '');
      },
      /no weights: expected model\.safetensors .*found pytorch_model\.bin/,
      undefined,
    ],
  ];
  for (const [label, breakIt, pattern, file] of cases) {
    const dir = scratchCopy();
    try {
      breakIt(dir);
      await assertFolderError(dir, pattern, file).catch((e: Error) => assert.fail(`${label}: ${e.message}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const dir = scratchCopy();
  try {
    const shard = join(dir, 'model-00001-of-00002.safetensors');
    writeFileSync(shard, readFileSync(shard).subarray(0, 100));
    await assert.rejects(readHfFolder(dir), (e: unknown) => e instanceof SafetensorsError && e.file === shard);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
