// Checks that a tokenizer.json written by the Python trainer behaves identically in @huggingface/tokenizers:
// same ids as Python for every sample, and decode() equal to Python's decode.
// Usage: node scripts/pretrain/verify_tokenizers.mjs <model folder> <samples.json>
//   samples.json: [{ "text": string, "ids": number[], "decoded": string }] (ids include special tokens
//   when the tokenizer's post-processor adds them)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const [folder, samplesPath] = process.argv.slice(2);
if (!folder || !samplesPath) {
  console.error('usage: verify_tokenizers.mjs <model folder> <samples.json>');
  process.exit(2);
}
const tokenizerJson = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8'));
const tokenizerConfig = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8'));
const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
const samples = JSON.parse(readFileSync(samplesPath, 'utf8'));

let failures = 0;
for (const [i, sample] of samples.entries()) {
  const ids = tokenizer.encode(sample.text).ids;
  const decoded = ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: true }); // decode([]) throws
  const idsMatch = ids.length === sample.ids.length && ids.every((id, k) => id === sample.ids[k]);
  if (!idsMatch || decoded !== sample.decoded) {
    failures++;
    if (failures <= 5) {
      const k = ids.findIndex((id, j) => id !== sample.ids[j]);
      console.error(`sample ${i}: ${JSON.stringify(sample.text.slice(0, 120))}`);
      console.error(
        `  first id difference at ${k}: js ${ids.slice(Math.max(0, k - 3), k + 4)} py ${sample.ids.slice(Math.max(0, k - 3), k + 4)}`,
      );
      if (decoded !== sample.decoded)
        console.error(
          `  decode js ${JSON.stringify(decoded.slice(0, 120))}\n         py ${JSON.stringify(sample.decoded.slice(0, 120))}`,
        );
    }
  }
}
console.log(`${folder}: ${samples.length - failures}/${samples.length} samples identical in @huggingface/tokenizers`);
process.exit(failures === 0 ? 0 : 1);
