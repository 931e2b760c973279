"""Train the byte-level BPE tokenizer and the tiny GPT-2 on Moby-Dick; write the Hugging Face folder."""
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import byte_bpe, corpus, training
from .gpt2_model import GPT2LMHeadModel
from .safetensors_io import save_safetensors

HPARAMS = {
    "vocab_size": 3072,
    "n_layer": 4,
    "n_embd": 128,
    "n_head": 4,
    "n_positions": 256,
    # (sequence length, batch size, steps): short windows first (cheaper attention), then full-length windows
    # so that every position embedding is trained.
    "phases": [(128, 16, 500), (256, 8, 100)],
    "peak_lr": 4e-3,
    "warmup": 40,
    "weight_decay": 0.1,
}


def hf_config(eos_id, hp):
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": eos_id,
        "embd_pdrop": 0.1,
        "eos_token_id": eos_id,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": hp["n_positions"],
        "n_embd": hp["n_embd"],
        "n_head": hp["n_head"],
        "n_inner": None,
        "n_layer": hp["n_layer"],
        "n_positions": hp["n_positions"],
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "use_cache": True,
        "vocab_size": hp["vocab_size"],
    }


def _stream(tok, docs):
    ids = []
    for _, text in docs:
        ids.extend(tok.encode(text))
        ids.append(tok.eos_id)
    return torch.tensor(ids, dtype=torch.long)


def _windows(stream, length):
    n = (len(stream) - 1) // length
    return torch.stack([stream[i * length:i * length + length + 1] for i in range(n)])  # [N, length + 1]


@torch.no_grad()
def evaluate(model, windows, batch=16):
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(windows), batch):
        w = windows[i:i + batch]
        logits = model(w[:, :-1])
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), w[:, 1:].reshape(-1), reduction="sum").item()
        count += w[:, 1:].numel()
    model.train()
    return total / count


@torch.no_grad()
def generate(model, ids, new_tokens, top_k=None, temperature=1.0, generator=None):
    model.eval()
    ids = list(ids)
    n_pos = model.cfg["n_positions"]
    for _ in range(new_tokens):
        logits = model(torch.tensor([ids[-n_pos:]]))[0, -1]  # [V]
        if top_k is None:
            nxt = int(torch.argmax(logits))
        else:
            vals, idx = torch.topk(logits / temperature, top_k)
            nxt = int(idx[torch.multinomial(F.softmax(vals, dim=-1), 1, generator=generator)])
        ids.append(nxt)
    model.train()
    return ids


def run(repo_root, out_dir, seed, log):
    hp = HPARAMS
    t_start = time.time()
    train_docs, held_docs = corpus.split_documents(corpus.moby_dick_documents(repo_root))
    merges = byte_bpe.train_bpe([t for _, t in train_docs], hp["vocab_size"])
    tok = byte_bpe.ByteLevelBPE(merges)
    assert tok.vocab_size == hp["vocab_size"], tok.vocab_size
    t_tok = time.time() - t_start
    log(f"[gpt2] tokenizer: {tok.vocab_size} tokens ({len(merges)} merges) in {t_tok:.1f}s")

    train_stream, held_stream = _stream(tok, train_docs), _stream(tok, held_docs)
    T = hp["n_positions"]
    held_w = _windows(held_stream, T)
    total_steps = sum(steps for _, _, steps in hp["phases"])
    log(f"[gpt2] train tokens {len(train_stream)}, held-out tokens {len(held_stream)}")

    torch.manual_seed(seed)
    cfg = hf_config(tok.eos_id, hp)
    train_cfg = dict(cfg, attn_pdrop=0.0, resid_pdrop=0.0, embd_pdrop=0.0)  # no dropout while pretraining
    model = GPT2LMHeadModel(train_cfg)
    opt = training.adamw(model, hp["peak_lr"], hp["weight_decay"])
    rng = np.random.RandomState(seed)
    initial_loss = evaluate(model, held_w)
    t_train = time.time()
    ema, step, tokens_seen = None, 0, 0
    for seq_len, batch_size, steps in hp["phases"]:
        train_w = _windows(train_stream, seq_len)  # [N, seq_len + 1], non-overlapping
        order, cursor = rng.permutation(len(train_w)), 0
        for _ in range(steps):
            if cursor + batch_size > len(order):
                order, cursor = rng.permutation(len(train_w)), 0
            batch = train_w[torch.from_numpy(order[cursor:cursor + batch_size])]  # [B, T + 1]
            cursor += batch_size
            training.set_lr(opt, training.lr_at(step, total_steps, hp["peak_lr"], hp["warmup"]))
            logits = model(batch[:, :-1])  # [B, T, V]
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tokens_seen += batch[:, 1:].numel()
            ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
            if step % 25 == 0 or step == total_steps - 1:
                log(f"[gpt2] step {step:4d}  T {seq_len}  loss {loss.item():.3f}  ema {ema:.3f}  "
                    f"{time.time() - t_train:6.1f}s")
            step += 1
    train_seconds = time.time() - t_train
    held_loss = evaluate(model, held_w)
    log(f"[gpt2] held-out loss {held_loss:.4f} (ppl {math.exp(held_loss):.1f}); "
        f"untrained {initial_loss:.4f}; uniform {math.log(tok.vocab_size):.4f}; train {train_seconds:.0f}s")

    os.makedirs(out_dir, exist_ok=True)
    sd = {k: v for k, v in model.state_dict().items()}
    save_safetensors(os.path.join(out_dir, "model.safetensors"), sd, {"format": "pt"})
    _write_json(os.path.join(out_dir, "config.json"), cfg)
    _write_json(os.path.join(out_dir, "generation_config.json"), {
        "bos_token_id": tok.eos_id, "eos_token_id": tok.eos_id, "max_length": T, "pad_token_id": tok.eos_id})
    _write_json(os.path.join(out_dir, "tokenizer.json"), tok.tokenizer_json(), indent=None)
    _write_json(os.path.join(out_dir, "tokenizer_config.json"), tok.tokenizer_config(T))

    gen = torch.Generator().manual_seed(seed)
    samples = []
    for prompt in ("Call me Ishmael.", "The whale", "Captain Ahab said", "It was a dark night, and the sea"):
        ids = tok.encode(prompt)
        greedy = tok.decode(generate(model, ids, 40)[len(ids):])
        topk = tok.decode(generate(model, ids, 40, top_k=40, temperature=0.8, generator=gen)[len(ids):])
        samples.append({"prompt": prompt, "greedy": greedy, "top_k_40_t0.8": topk})
    return {
        "model": model, "tokenizer": tok, "config": cfg, "hparams": hp,
        "held_out_docs": [n for n, _ in held_docs], "train_tokens": len(train_stream),
        "held_out_tokens": len(held_stream), "tokens_seen": tokens_seen,
        "initial_loss": initial_loss, "held_out_loss": held_loss, "final_train_loss_ema": ema,
        "train_seconds": train_seconds, "tokenizer_seconds": t_tok, "samples": samples,
        "params": sum(p.numel() for p in model.parameters()),
    }


def _write_json(path, obj, indent=2):
    with open(path, "w", encoding="utf8") as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write("\n")
