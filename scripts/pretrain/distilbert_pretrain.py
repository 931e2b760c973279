"""Train the uncased WordPiece tokenizer and the tiny DistilBERT (masked LM) on Moby-Dick + State of the Union
addresses; write the Hugging Face folder."""
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import corpus, training, wordpiece
from .distilbert_model import DistilBertForMaskedLM
from .safetensors_io import save_safetensors

HPARAMS = {
    "vocab_size": 4096,
    "n_layers": 4,
    "dim": 128,
    "n_heads": 4,
    "hidden_dim": 512,
    "max_position_embeddings": 256,
    # (sequence length incl. [CLS]/[SEP], batch size, steps): short windows first, then longer ones so that every
    # position embedding is trained.
    "phases": [(64, 32, 700), (128, 16, 100), (256, 8, 50)],
    # Locality prior at initialisation (the architecture is unchanged): position embeddings start as sinusoids
    # of this scale (comparable to the 0.02 token embeddings) and every q_lin / k_lin starts as this multiple of
    # the identity plus the usual noise, so attention initially prefers nearby positions. Without it a post-LN
    # MLM this small sits on the unigram plateau (loss ~6.57) for the whole budget.
    "position_init_scale": 0.03,
    "qk_identity_init": 1.0,
    "mask_prob": 0.2,  # of which 80% [MASK], 10% random token, 10% unchanged
    "moby_dick_tokenizer_weight": 4,  # Moby-Dick is ~9x smaller than the addresses; weight its words when training
    "peak_lr": 2e-3,
    "warmup": 50,
    "weight_decay": 0.01,
}


def hf_config(tok, hp):
    return {
        "activation": "gelu",
        "architectures": ["DistilBertForMaskedLM"],
        "attention_dropout": 0.1,
        "dim": hp["dim"],
        "dropout": 0.1,
        "hidden_dim": hp["hidden_dim"],
        "initializer_range": 0.02,
        "max_position_embeddings": hp["max_position_embeddings"],
        "model_type": "distilbert",
        "n_heads": hp["n_heads"],
        "n_layers": hp["n_layers"],
        "pad_token_id": tok.pad_id,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": False,
        "tie_weights_": True,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "vocab_size": tok.vocab_size,
    }


def apply_locality_prior(model, hp):
    cfg = model.cfg
    n_pos, dim = cfg["max_position_embeddings"], cfg["dim"]
    pos = torch.arange(n_pos, dtype=torch.float32)[:, None]
    freq = 10000 ** (-torch.arange(0, dim, 2, dtype=torch.float32) / dim)
    table = torch.zeros(n_pos, dim)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    with torch.no_grad():
        model.distilbert.embeddings.position_embeddings.weight.copy_(table * hp["position_init_scale"])
        eye = torch.eye(dim) * hp["qk_identity_init"]
        for block in model.distilbert.transformer.layer:
            block.attention.q_lin.weight.add_(eye)
            block.attention.k_lin.weight.add_(eye)


def _stream(tok, docs):
    ids = []
    for _, text in docs:
        ids.extend(tok.encode(text, add_special_tokens=False))
        ids.append(tok.sep_id)
    return torch.tensor(ids, dtype=torch.long)


def _window(stream, start, seq_len, tok):
    body = stream[start:start + seq_len - 2]
    return torch.cat([torch.tensor([tok.cls_id]), body, torch.tensor([tok.sep_id])])


def _sample_batch(streams, batch_size, seq_len, rng, tok):
    """Half the rows from each corpus, at uniformly random offsets."""
    rows = []
    for i in range(batch_size):
        s = streams[i % len(streams)]
        rows.append(_window(s, int(rng.randint(0, len(s) - seq_len)), seq_len, tok))
    return torch.stack(rows)  # [B, T]


def mask_tokens(ids, tok, prob, gen):
    """BERT masking. Returns (inputs, labels) with labels -100 where no loss is taken."""
    special = (ids == tok.cls_id) | (ids == tok.sep_id) | (ids == tok.pad_id)
    selected = (torch.rand(ids.shape, generator=gen) < prob) & ~special
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    roll = torch.rand(ids.shape, generator=gen)
    inputs = ids.clone()
    inputs[selected & (roll < 0.8)] = tok.mask_id
    random_tok = torch.randint(len(wordpiece.SPECIALS), tok.vocab_size, ids.shape, generator=gen)
    swap = selected & (roll >= 0.8) & (roll < 0.9)
    inputs[swap] = random_tok[swap]
    return inputs, labels


def mlm_loss(model, inputs, labels):
    h = model.hidden(inputs)  # [B, T, D]
    sel = labels != -100
    logits = model.mlm_logits(h[sel])  # [M, V], head only on masked positions
    return F.cross_entropy(logits, labels[sel], reduction="sum"), logits, labels[sel]


@torch.no_grad()
def evaluate(model, held_streams, tok, prob, seed, seq_len=128, max_windows=300, unigram_logp=None):
    """Fixed (seeded) masking over the first `max_windows` non-overlapping held-out windows of each corpus:
    mean loss and top-1 accuracy on the masked positions (and, given unigram_logp, the loss of predicting the
    training-split token frequencies everywhere on the same positions)."""
    model.eval()
    gen = torch.Generator().manual_seed(seed + 1)
    total, correct, count, unigram = 0.0, 0, 0, 0.0
    for s in held_streams:
        windows = [_window(s, i, seq_len, tok) for i in range(0, len(s) - seq_len, seq_len - 2)][:max_windows]
        for i in range(0, len(windows), 32):
            inputs, labels = mask_tokens(torch.stack(windows[i:i + 32]), tok, prob, gen)
            loss, logits, gold = mlm_loss(model, inputs, labels)
            total += loss.item()
            correct += int((logits.argmax(-1) == gold).sum())
            count += len(gold)
            if unigram_logp is not None:
                unigram -= float(unigram_logp[gold].sum())
    model.train()
    return total / count, correct / count, unigram / count


@torch.no_grad()
def fill_mask(model, tok, text, k=5):
    ids = tok.encode(text)
    pos = ids.index(tok.mask_id)
    logits = model(torch.tensor([ids]))[0, pos]  # [V]
    return [tok.id_to_token[i] for i in torch.topk(logits, k).indices.tolist()]


def run(repo_root, out_dir, seed, log):
    hp = HPARAMS
    t_start = time.time()
    moby_train, moby_held = corpus.split_documents(corpus.moby_dick_documents(repo_root))
    sotu_train, sotu_held = corpus.split_documents(corpus.sotu_documents(repo_root))
    weighted = [(t, hp["moby_dick_tokenizer_weight"]) for _, t in moby_train] + [(t, 1) for _, t in sotu_train]
    tok = wordpiece.WordPiece(wordpiece.train_wordpiece(weighted, hp["vocab_size"]))
    assert tok.vocab_size == hp["vocab_size"], tok.vocab_size
    t_tok = time.time() - t_start
    log(f"[distilbert] tokenizer: {tok.vocab_size} tokens in {t_tok:.1f}s")

    train_streams = [_stream(tok, moby_train), _stream(tok, sotu_train)]
    held_streams = [_stream(tok, moby_held), _stream(tok, sotu_held)]
    unk_rate = float(sum((s == tok.unk_id).sum() for s in train_streams)) / sum(len(s) for s in train_streams)
    log(f"[distilbert] train tokens {[len(s) for s in train_streams]}, held-out {[len(s) for s in held_streams]}, "
        f"[UNK] rate {unk_rate:.5f}")

    torch.manual_seed(seed)
    cfg = hf_config(tok, hp)
    model = DistilBertForMaskedLM(dict(cfg, dropout=0.0, attention_dropout=0.0))  # no dropout while pretraining
    apply_locality_prior(model, hp)
    opt = training.adamw(model, hp["peak_lr"], hp["weight_decay"])
    rng = np.random.RandomState(seed)
    gen = torch.Generator().manual_seed(seed)
    counts = sum(torch.bincount(s, minlength=tok.vocab_size) for s in train_streams).double() + 1
    unigram_logp = (counts / counts.sum()).log()
    initial_loss, _, unigram_loss = evaluate(model, held_streams, tok, hp["mask_prob"], seed, unigram_logp=unigram_logp)
    total_steps = sum(steps for _, _, steps in hp["phases"])
    t_train = time.time()
    ema, step, tokens_seen = None, 0, 0
    for seq_len, batch_size, steps in hp["phases"]:
        for _ in range(steps):
            inputs, labels = mask_tokens(_sample_batch(train_streams, batch_size, seq_len, rng, tok), tok,
                                         hp["mask_prob"], gen)
            training.set_lr(opt, training.lr_at(step, total_steps, hp["peak_lr"], hp["warmup"]))
            loss_sum, _, gold = mlm_loss(model, inputs, labels)
            loss = loss_sum / len(gold)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tokens_seen += inputs.numel()
            ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
            if step % 25 == 0 or step == total_steps - 1:
                log(f"[distilbert] step {step:4d}  T {seq_len}  mlm loss {loss.item():.3f}  ema {ema:.3f}  "
                    f"{time.time() - t_train:6.1f}s")
            step += 1
    train_seconds = time.time() - t_train
    held_loss, held_acc, _ = evaluate(model, held_streams, tok, hp["mask_prob"], seed)
    log(f"[distilbert] held-out MLM loss {held_loss:.4f} (ppl {math.exp(held_loss):.1f}, top-1 {held_acc:.3f}); "
        f"untrained {initial_loss:.4f}; unigram {unigram_loss:.4f}; uniform {math.log(tok.vocab_size):.4f}; train {train_seconds:.0f}s")

    os.makedirs(out_dir, exist_ok=True)
    save_safetensors(os.path.join(out_dir, "model.safetensors"), model.hf_state_dict(), {"format": "pt"})
    _write_json(os.path.join(out_dir, "config.json"), cfg)
    _write_json(os.path.join(out_dir, "tokenizer.json"), tok.tokenizer_json(), indent=None)
    _write_json(os.path.join(out_dir, "tokenizer_config.json"), tok.tokenizer_config(hp["max_position_embeddings"]))

    fills = {text: fill_mask(model, tok, text) for text in (
        "call me [MASK].", "the white [MASK] swam away.", "the captain of the [MASK] was ahab.",
        "the united [MASK] of america.", "i went to [MASK] in the boat.")}
    return {
        "model": model, "tokenizer": tok, "config": cfg, "hparams": hp,
        "held_out_docs": [n for n, _ in moby_held + sotu_held],
        "train_tokens": sum(len(s) for s in train_streams), "held_out_tokens": sum(len(s) for s in held_streams),
        "tokens_seen": tokens_seen, "initial_loss": initial_loss, "unigram_loss": unigram_loss, "held_out_loss": held_loss,
        "held_out_top1": held_acc, "final_train_loss_ema": ema, "train_seconds": train_seconds,
        "tokenizer_seconds": t_tok, "fill_mask": fills, "unk_rate": unk_rate,
        "params": sum(p.numel() for p in model.parameters()),
    }


def _write_json(path, obj, indent=2):
    with open(path, "w", encoding="utf8") as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write("\n")
