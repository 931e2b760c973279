// Child process for vectorIndex.test.ts: opens an index folder written by another process with the same tiny
// model (same config + seed + tokenizer) and prints its search results as JSON on stdout.
import { create } from '../../../../../kernel/engine/models/create';
import { openIndex } from '../../../../../kernel/engine/vectorIndex/vectorIndex';
import { gpt2Like } from '../data/tinyTokenizers';
import { useTestBackend } from '../models/testBackend';
import { TINY_GPT2 } from '../train/trainerFakes';

async function main(): Promise<void> {
  const [dir, query, k] = process.argv.slice(2);
  await useTestBackend();
  const model = create(TINY_GPT2, { seed: Number(process.env.INDEX_MODEL_SEED) });
  model.tokenizer = gpt2Like();
  const index = await openIndex(dir, { model });
  const hits = await index.search(query, Number(k));
  index.close();
  process.stdout.write(JSON.stringify({ count: await index.count().catch(() => -1), hits }));
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
