// Child process for the store tests: appends `count` records tagged with `writer`, printing each sequence
// number once its append returned (so the parent knows which records were durably stored).
import { PreferenceStore, makeRankingRecord } from '../../../../kernel/store/preferenceStore';

const [file, writer, countText, padText] = process.argv.slice(2);
const store = new PreferenceStore(file);
const pad = 'x'.repeat(Number(padText ?? '0'));
for (let seq = 0; seq < Number(countText); seq++) {
  store.append(
    makeRankingRecord({
      prompt: `${writer}#${seq}`,
      candidates: [`a${pad}`, 'b', 'c'],
      ranks: [1, 2, 3],
      annotator: writer,
    }),
  );
  process.stdout.write(`${seq}\n`);
}
