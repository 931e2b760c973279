#!/usr/bin/python3
"""Builds tiny random checkpoints in Hugging Face layout and records reference outputs for the TS engine tests.

Run with Debian's torch (no `transformers` / `safetensors` packages needed):
    OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 /usr/bin/python3 scripts/make_golden.py

Writes test/fixtures/golden/<name>/{config.json, model.safetensors, expected.json[, tokenizer.json,
preprocessor_config.json]}. The reference forward passes below are independent, functional re-statements of the
semantics of Hugging Face's modeling_gpt2.py, modeling_bert.py, modeling_distilbert.py and modeling_vit.py
(eager attention), computed in float64 and stored rounded to float32.
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "golden")
NEG = -1e30  # stands in for torch.finfo(dtype).min: a masked score that can never win a softmax


# ----------------------------------------------------------------------------------------------------------------
# safetensors, written from the format spec: u64 little-endian header length, JSON header, raw little-endian data


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, float32 torch tensor). Keys are written sorted, data in that order."""
    header = {}
    blobs = []
    offset = 0
    for name, t in sorted(tensors, key=lambda kv: kv[0]):
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata or {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


# ----------------------------------------------------------------------------------------------------------------
# activations (transformers/activations.py ACT2FN names)


def activation(name):
    if name == "gelu":
        return lambda x: 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))
    if name == "relu":
        return F.relu
    raise ValueError(name)


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def linear(x, W, b):
    """nn.Linear: W is [out, in]."""
    return x @ W.t() + (b if b is not None else 0)


def conv1d(x, W, b):
    """transformers Conv1D: W is [in, out]."""
    return x @ W + b


def split_heads(x, n_head):  # [B, T, C] -> [B, H, T, D]
    B, T, C = x.shape
    return x.view(B, T, n_head, C // n_head).permute(0, 2, 1, 3)


def merge_heads(x):  # [B, H, T, D] -> [B, T, C]
    B, H, T, D = x.shape
    return x.permute(0, 2, 1, 3).reshape(B, T, H * D)


def attend(q, k, v, allowed):
    """q, k, v [B, H, T, D] with q already scaled; allowed bool broadcastable to [B, H, Tq, Tk]."""
    scores = q @ k.transpose(-1, -2)
    scores = torch.where(allowed, scores, torch.full_like(scores, NEG))
    return F.softmax(scores, dim=-1) @ v


# ----------------------------------------------------------------------------------------------------------------
# GPT-2 (modeling_gpt2.py): pre-LN blocks, fused c_attn Conv1D, causal mask, position_ids = arange when not given


def gpt2_forward(cfg, W, ids, mask=None, prefix="transformer."):
    p = lambda n: W[prefix + n]
    B, T = ids.shape
    n_head = cfg["n_head"]
    C = cfg["n_embd"]
    eps = cfg["layer_norm_epsilon"]
    act = activation(cfg["activation_function"])
    pos = torch.arange(T)
    h = p("wte.weight")[ids] + p("wpe.weight")[pos][None]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
    allowed = causal if mask is None else causal & (mask[:, None, None, :] > 0)
    for i in range(cfg["n_layer"]):
        L = lambda n: p(f"h.{i}.{n}")
        a = layer_norm(h, L("ln_1.weight"), L("ln_1.bias"), eps)
        qkv = conv1d(a, L("attn.c_attn.weight"), L("attn.c_attn.bias"))
        q, k, v = qkv.split(C, dim=2)
        q, k, v = split_heads(q, n_head), split_heads(k, n_head), split_heads(v, n_head)
        y = merge_heads(attend(q / math.sqrt(C // n_head), k, v, allowed))
        h = h + conv1d(y, L("attn.c_proj.weight"), L("attn.c_proj.bias"))
        m = layer_norm(h, L("ln_2.weight"), L("ln_2.bias"), eps)
        m = conv1d(act(conv1d(m, L("mlp.c_fc.weight"), L("mlp.c_fc.bias"))), L("mlp.c_proj.weight"), L("mlp.c_proj.bias"))
        h = h + m
    hidden = layer_norm(h, p("ln_f.weight"), p("ln_f.bias"), eps)
    head = W["lm_head.weight"] if "lm_head.weight" in W else p("wte.weight")
    return hidden, hidden @ head.t()


def gpt2_greedy(cfg, W, prompt, max_new, prefix="transformer."):
    """Greedy decoding by full recomputation (no cache); stops after emitting eos_token_id, like HF generate."""
    ids = list(prompt)
    out = []
    margins = []
    for _ in range(max_new):
        _, logits = gpt2_forward(cfg, W, torch.tensor([ids]), prefix=prefix)
        last = logits[0, -1]
        top2 = torch.topk(last, 2).values
        margins.append(float(top2[0] - top2[1]))
        nxt = int(torch.argmax(last))
        ids.append(nxt)
        out.append(nxt)
        if nxt == cfg.get("eos_token_id"):
            break
    return out, min(margins)


def gpt2_weights(cfg, g, lm_head=False):
    C, V, P, I = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_inner"] or 4 * cfg["n_embd"]
    W = {"transformer.wte.weight": rnd(g, V, C, std=0.5), "transformer.wpe.weight": rnd(g, P, C, std=0.3)}
    for i in range(cfg["n_layer"]):
        pre = f"transformer.h.{i}."
        W.update(ln(g, pre + "ln_1", C))
        W.update(ln(g, pre + "ln_2", C))
        W[pre + "attn.c_attn.weight"] = rnd(g, C, 3 * C)  # Conv1D [in, out]
        W[pre + "attn.c_attn.bias"] = rnd(g, 3 * C, std=0.1)
        W[pre + "attn.c_proj.weight"] = rnd(g, C, C)
        W[pre + "attn.c_proj.bias"] = rnd(g, C, std=0.1)
        W[pre + "mlp.c_fc.weight"] = rnd(g, C, I)
        W[pre + "mlp.c_fc.bias"] = rnd(g, I, std=0.1)
        W[pre + "mlp.c_proj.weight"] = rnd(g, I, C)
        W[pre + "mlp.c_proj.bias"] = rnd(g, C, std=0.1)
    W.update(ln(g, "transformer.ln_f", C))
    if lm_head:
        W["lm_head.weight"] = rnd(g, V, C, std=0.5)
    return W


# ----------------------------------------------------------------------------------------------------------------
# BERT (modeling_bert.py): post-LN encoder, absolute positions, token_type_ids default 0, pooler = tanh(dense(h[:, 0]))


def bert_forward(cfg, W, ids, mask=None, token_type_ids=None, prefix="bert."):
    p = lambda n: W[prefix + n]
    B, T = ids.shape
    H, C, eps = cfg["num_attention_heads"], cfg["hidden_size"], cfg["layer_norm_eps"]
    act = activation(cfg["hidden_act"])
    tt = torch.zeros_like(ids) if token_type_ids is None else token_type_ids
    e = p("embeddings.word_embeddings.weight")[ids] + p("embeddings.position_embeddings.weight")[torch.arange(T)][None]
    e = e + p("embeddings.token_type_embeddings.weight")[tt]
    h = layer_norm(e, p("embeddings.LayerNorm.weight"), p("embeddings.LayerNorm.bias"), eps)
    allowed = torch.ones(B, 1, 1, T, dtype=torch.bool) if mask is None else (mask[:, None, None, :] > 0)
    for i in range(cfg["num_hidden_layers"]):
        L = lambda n: p(f"encoder.layer.{i}.{n}")
        q = split_heads(linear(h, L("attention.self.query.weight"), L("attention.self.query.bias")), H)
        k = split_heads(linear(h, L("attention.self.key.weight"), L("attention.self.key.bias")), H)
        v = split_heads(linear(h, L("attention.self.value.weight"), L("attention.self.value.bias")), H)
        y = merge_heads(attend(q / math.sqrt(C // H), k, v, allowed))
        y = linear(y, L("attention.output.dense.weight"), L("attention.output.dense.bias"))
        h = layer_norm(y + h, L("attention.output.LayerNorm.weight"), L("attention.output.LayerNorm.bias"), eps)
        m = act(linear(h, L("intermediate.dense.weight"), L("intermediate.dense.bias")))
        m = linear(m, L("output.dense.weight"), L("output.dense.bias"))
        h = layer_norm(m + h, L("output.LayerNorm.weight"), L("output.LayerNorm.bias"), eps)
    pooled = torch.tanh(linear(h[:, 0], p("pooler.dense.weight"), p("pooler.dense.bias")))
    logits = linear(pooled, W["classifier.weight"], W["classifier.bias"]) if "classifier.weight" in W else None
    return h, pooled, logits


def bert_weights(cfg, g, prefix="bert.", num_labels=None):
    C, I = cfg["hidden_size"], cfg["intermediate_size"]
    W = {
        prefix + "embeddings.word_embeddings.weight": rnd(g, cfg["vocab_size"], C, std=0.5),
        prefix + "embeddings.position_embeddings.weight": rnd(g, cfg["max_position_embeddings"], C, std=0.3),
        prefix + "embeddings.token_type_embeddings.weight": rnd(g, cfg["type_vocab_size"], C, std=0.3),
    }
    W.update(ln(g, prefix + "embeddings.LayerNorm", C))
    for i in range(cfg["num_hidden_layers"]):
        pre = f"{prefix}encoder.layer.{i}."
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            W.update(lin(g, pre + n, C, C))
        W.update(ln(g, pre + "attention.output.LayerNorm", C))
        W.update(lin(g, pre + "intermediate.dense", I, C))
        W.update(lin(g, pre + "output.dense", C, I))
        W.update(ln(g, pre + "output.LayerNorm", C))
    W.update(lin(g, prefix + "pooler.dense", C, C))
    if num_labels:
        W.update(lin(g, "classifier", num_labels, C))
    return W


# ----------------------------------------------------------------------------------------------------------------
# DistilBERT (modeling_distilbert.py): no token types, q scaled before QK^T, post-LN with eps 1e-12,
# classification head = classifier(relu(pre_classifier(h[:, 0])))


def distilbert_forward(cfg, W, ids, mask=None):
    p = lambda n: W["distilbert." + n]
    B, T = ids.shape
    H, C, eps = cfg["n_heads"], cfg["dim"], 1e-12
    act = activation(cfg["activation"])
    e = p("embeddings.word_embeddings.weight")[ids] + p("embeddings.position_embeddings.weight")[torch.arange(T)][None]
    h = layer_norm(e, p("embeddings.LayerNorm.weight"), p("embeddings.LayerNorm.bias"), eps)
    allowed = torch.ones(B, 1, 1, T, dtype=torch.bool) if mask is None else (mask[:, None, None, :] > 0)
    for i in range(cfg["n_layers"]):
        L = lambda n: p(f"transformer.layer.{i}.{n}")
        q = split_heads(linear(h, L("attention.q_lin.weight"), L("attention.q_lin.bias")), H)
        k = split_heads(linear(h, L("attention.k_lin.weight"), L("attention.k_lin.bias")), H)
        v = split_heads(linear(h, L("attention.v_lin.weight"), L("attention.v_lin.bias")), H)
        y = merge_heads(attend(q / math.sqrt(C // H), k, v, allowed))
        y = linear(y, L("attention.out_lin.weight"), L("attention.out_lin.bias"))
        h = layer_norm(y + h, L("sa_layer_norm.weight"), L("sa_layer_norm.bias"), eps)
        m = linear(act(linear(h, L("ffn.lin1.weight"), L("ffn.lin1.bias"))), L("ffn.lin2.weight"), L("ffn.lin2.bias"))
        h = layer_norm(m + h, L("output_layer_norm.weight"), L("output_layer_norm.bias"), eps)
    pooled = F.relu(linear(h[:, 0], W["pre_classifier.weight"], W["pre_classifier.bias"]))
    return h, linear(pooled, W["classifier.weight"], W["classifier.bias"])


def distilbert_weights(cfg, g, num_labels):
    C, I = cfg["dim"], cfg["hidden_dim"]
    W = {
        "distilbert.embeddings.word_embeddings.weight": rnd(g, cfg["vocab_size"], C, std=0.5),
        "distilbert.embeddings.position_embeddings.weight": rnd(g, cfg["max_position_embeddings"], C, std=0.3),
    }
    W.update(ln(g, "distilbert.embeddings.LayerNorm", C))
    for i in range(cfg["n_layers"]):
        pre = f"distilbert.transformer.layer.{i}."
        for n in ("q_lin", "k_lin", "v_lin", "out_lin"):
            W.update(lin(g, pre + "attention." + n, C, C))
        W.update(ln(g, pre + "sa_layer_norm", C))
        W.update(lin(g, pre + "ffn.lin1", I, C))
        W.update(lin(g, pre + "ffn.lin2", C, I))
        W.update(ln(g, pre + "output_layer_norm", C))
    W.update(lin(g, "pre_classifier", C, C))
    W.update(lin(g, "classifier", num_labels, C))
    return W


# ----------------------------------------------------------------------------------------------------------------
# ViT (modeling_vit.py): NCHW patch conv (stride = kernel = patch), [CLS] + position embeddings, pre-LN encoder,
# final layernorm; classifier on token 0; ViTModel adds a tanh pooler


def vit_forward(cfg, W, pixels_nchw, prefix="vit."):
    p = lambda n: W[prefix + n]
    H, C, eps = cfg["num_attention_heads"], cfg["hidden_size"], cfg["layer_norm_eps"]
    act = activation(cfg["hidden_act"])
    x = F.conv2d(pixels_nchw, p("embeddings.patch_embeddings.projection.weight"),
                 p("embeddings.patch_embeddings.projection.bias"), stride=cfg["patch_size"])
    x = x.flatten(2).transpose(1, 2)  # [B, N, C]
    B = x.shape[0]
    cls = p("embeddings.cls_token").expand(B, -1, -1)
    h = torch.cat([cls, x], dim=1) + p("embeddings.position_embeddings")
    allowed = torch.ones(1, 1, 1, h.shape[1], dtype=torch.bool)
    for i in range(cfg["num_hidden_layers"]):
        L = lambda n: p(f"encoder.layer.{i}.{n}")
        a = layer_norm(h, L("layernorm_before.weight"), L("layernorm_before.bias"), eps)
        q = split_heads(linear(a, L("attention.attention.query.weight"), L("attention.attention.query.bias")), H)
        k = split_heads(linear(a, L("attention.attention.key.weight"), L("attention.attention.key.bias")), H)
        v = split_heads(linear(a, L("attention.attention.value.weight"), L("attention.attention.value.bias")), H)
        y = merge_heads(attend(q / math.sqrt(C // H), k, v, allowed))
        h = h + linear(y, L("attention.output.dense.weight"), L("attention.output.dense.bias"))
        m = layer_norm(h, L("layernorm_after.weight"), L("layernorm_after.bias"), eps)
        m = linear(act(linear(m, L("intermediate.dense.weight"), L("intermediate.dense.bias"))),
                   L("output.dense.weight"), L("output.dense.bias"))
        h = h + m
    h = layer_norm(h, p("layernorm.weight"), p("layernorm.bias"), eps)
    logits = linear(h[:, 0], W["classifier.weight"], W["classifier.bias"]) if "classifier.weight" in W else None
    pooled = torch.tanh(linear(h[:, 0], p("pooler.dense.weight"), p("pooler.dense.bias"))) if prefix + "pooler.dense.weight" in W else None
    return h, pooled, logits


def vit_weights(cfg, g, prefix="vit.", num_labels=None, pooler=False):
    C, I, P, ch = cfg["hidden_size"], cfg["intermediate_size"], cfg["patch_size"], cfg["num_channels"]
    n = (cfg["image_size"] // P) ** 2
    W = {
        prefix + "embeddings.cls_token": rnd(g, 1, 1, C, std=0.5),
        prefix + "embeddings.position_embeddings": rnd(g, 1, n + 1, C, std=0.3),
        prefix + "embeddings.patch_embeddings.projection.weight": rnd(g, C, ch, P, P),  # NCHW conv [out, in, kh, kw]
        prefix + "embeddings.patch_embeddings.projection.bias": rnd(g, C, std=0.1),
    }
    for i in range(cfg["num_hidden_layers"]):
        pre = f"{prefix}encoder.layer.{i}."
        for nm in ("attention.attention.query", "attention.attention.key", "attention.attention.value",
                   "attention.output.dense"):
            W.update(lin(g, pre + nm, C, C))
        W.update(ln(g, pre + "layernorm_before", C))
        W.update(ln(g, pre + "layernorm_after", C))
        W.update(lin(g, pre + "intermediate.dense", I, C))
        W.update(lin(g, pre + "output.dense", C, I))
    W.update(ln(g, prefix + "layernorm", C))
    if pooler:
        W.update(lin(g, prefix + "pooler.dense", C, C))
    if num_labels:
        W.update(lin(g, "classifier", num_labels, C))
    return W


# ----------------------------------------------------------------------------------------------------------------
# random weights: larger than HF's 0.02 init so the outputs are far from uniform and greedy argmax is unambiguous


def rnd(g, *shape, std=0.25):
    return torch.randn(*shape, generator=g, dtype=torch.float64) * std


def ln(g, name, C):
    return {name + ".weight": 1.0 + rnd(g, C, std=0.1), name + ".bias": rnd(g, C, std=0.1)}


def lin(g, name, out_f, in_f):
    return {name + ".weight": rnd(g, out_f, in_f), name + ".bias": rnd(g, out_f, std=0.1)}


def as_f32_then_f64(W):
    """The fixture stores float32, so the reference must compute with exactly the stored values."""
    return {k: v.to(torch.float32).to(torch.float64) for k, v in W.items()}


def tensor_json(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(f"{x:.9g}") for x in t.flatten().tolist()]}


def write_fixture(name, config, weights, expected, extra_files=None):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    write_safetensors(os.path.join(d, "model.safetensors"), list(weights.items()))
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    for fname, obj in (extra_files or {}).items():
        with open(os.path.join(d, fname), "w") as f:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"{name:16s} {len(weights):3d} tensors  {size / 1024:7.1f} KiB")


def id2label(n):
    return {str(i): f"LABEL_{i}" for i in range(n)}


def label2id(n):
    return {f"LABEL_{i}": i for i in range(n)}


# ----------------------------------------------------------------------------------------------------------------
# a tiny byte-level BPE tokenizer.json (GPT-2 style) so text prompts can be tested


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def tiny_bpe_tokenizer(vocab_size):
    byte_chars = [bytes_to_unicode()[b] for b in range(256)]
    vocab = {c: i for i, c in enumerate(byte_chars)}
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "a"), ("i", "n"), ("Ġ", "s"), ("e", "r"), ("o", "n"),
              ("Ġ", "c"), ("a", "t")]
    for a, b in merges:
        vocab[a + b] = len(vocab)
    eos = "<|endoftext|>"
    vocab[eos] = len(vocab)
    assert len(vocab) == vocab_size, (len(vocab), vocab_size)
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[eos], "content": eos, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                  "merges": [f"{a} {b}" for a, b in merges]},
    }


# ----------------------------------------------------------------------------------------------------------------


def make_gpt2(g):
    V = 267  # 256 bytes + 10 merges + <|endoftext|>
    base = {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": V, "n_positions": 48, "n_ctx": 48,
        "n_embd": 32, "n_layer": 2, "n_head": 4, "n_inner": None, "activation_function": "gelu_new",
        "resid_pdrop": 0.1, "embd_pdrop": 0.1, "attn_pdrop": 0.1, "layer_norm_epsilon": 1e-5,
        "initializer_range": 0.02, "bos_token_id": V - 1, "eos_token_id": V - 1, "scale_attn_weights": True,
        "scale_attn_by_inverse_layer_idx": False, "reorder_and_upcast_attn": False, "use_cache": True,
    }
    tok = tiny_bpe_tokenizer(V)
    tok_cfg = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
               "model_max_length": 48, "tokenizer_class": "GPT2Tokenizer"}
    ids = torch.randint(0, V - 1, (2, 9), generator=g)
    mask = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0, 0, 0]])
    prompt = [int(x) for x in torch.randint(0, V - 1, (5,), generator=g)]

    def expected_for(cfg, W, prefix="transformer."):
        hidden, logits = gpt2_forward(cfg, W, ids, prefix=prefix)
        _, logits_m = gpt2_forward(cfg, W, ids, mask, prefix=prefix)
        gen, margin = gpt2_greedy(cfg, W, prompt, 12, prefix=prefix)
        assert margin > 1e-3, f"greedy margin too small ({margin}); pick another seed"
        return {
            "inputs": {"ids": ids.tolist(), "attentionMask": mask.tolist()},
            "hidden": tensor_json(hidden), "logits": tensor_json(logits), "logitsMasked": tensor_json(logits_m),
            "maskedComparison": "all positions",  # padded query rows attend uniformly, as HF eager with its combined 4-D mask
            "generate": {"prompt": prompt, "maxNewTokens": 12, "ids": gen, "minTop2Margin": margin},
        }

    W = as_f32_then_f64(gpt2_weights(base, g))
    exp = expected_for(base, W)
    write_fixture("gpt2", base, W, exp, {"tokenizer.json": tok, "tokenizer_config.json": tok_cfg})

    # same weights saved the way the original `gpt2` Hub checkpoint is: no `transformer.` prefix, with the
    # attention buffers `attn.bias` / `attn.masked_bias` present (they must be ignored on load)
    W_np = {k[len("transformer."):]: v for k, v in W.items()}
    T = base["n_positions"]
    for i in range(base["n_layer"]):
        W_np[f"h.{i}.attn.bias"] = torch.tril(torch.ones(T, T, dtype=torch.float64)).view(1, 1, T, T)
        W_np[f"h.{i}.attn.masked_bias"] = torch.tensor(-1e4, dtype=torch.float64)
    write_fixture("gpt2_noprefix", base, W_np, exp)

    # untied head, erf gelu and a large layer_norm_epsilon: config-driven choices must be honoured
    untied = dict(base, tie_word_embeddings=False, activation_function="gelu", layer_norm_epsilon=0.1)
    W_u = as_f32_then_f64(gpt2_weights(untied, g, lm_head=True))
    write_fixture("gpt2_untied", untied, W_u, expected_for(untied, W_u))


def make_bert(g):
    V, L = 101, 3
    cfg = {
        "model_type": "bert", "architectures": ["BertForSequenceClassification"], "vocab_size": V,
        "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 40, "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12,
        "pad_token_id": 0, "position_embedding_type": "absolute", "use_cache": True, "classifier_dropout": None,
        "id2label": id2label(L), "label2id": label2id(L),
    }
    ids = torch.randint(1, V, (2, 10), generator=g)
    mask = torch.tensor([[1] * 10, [1] * 6 + [0] * 4])
    ids[1, 6:] = 0
    tt = torch.tensor([[0] * 5 + [1] * 5, [0] * 3 + [1] * 7])
    W = as_f32_then_f64(bert_weights(cfg, g, num_labels=L))
    hidden, _, logits = bert_forward(cfg, W, ids)
    _, _, logits_m = bert_forward(cfg, W, ids, mask)
    hidden_m, _, _ = bert_forward(cfg, W, ids, mask)
    _, _, logits_tt = bert_forward(cfg, W, ids, mask, tt)
    write_fixture("bert", cfg, W, {
        "inputs": {"ids": ids.tolist(), "attentionMask": mask.tolist(), "tokenTypeIds": tt.tolist()},
        "hidden": tensor_json(hidden), "hiddenMasked": tensor_json(hidden_m), "logits": tensor_json(logits),
        "logitsMasked": tensor_json(logits_m), "logitsMaskedTokenTypes": tensor_json(logits_tt),
        "maskedComparison": "all positions",
    })

    # bare BertModel, saved without the `bert.` prefix (as BertModel.save_pretrained does)
    bare = dict(cfg, architectures=["BertModel"])
    bare.pop("id2label")
    bare.pop("label2id")
    Wb = as_f32_then_f64({k[len("bert."):]: v for k, v in bert_weights(cfg, g).items()})
    hidden, pooled, _ = bert_forward(bare, Wb, ids, prefix="")
    hidden_m, _, _ = bert_forward(bare, Wb, ids, mask, prefix="")
    write_fixture("bert_model", bare, Wb, {
        "inputs": {"ids": ids.tolist(), "attentionMask": mask.tolist()},
        "hidden": tensor_json(hidden), "hiddenMasked": tensor_json(hidden_m), "pooled": tensor_json(pooled),
        "maskedComparison": "all positions",
    })


def make_distilbert(g):
    V, L = 99, 2
    cfg = {
        "model_type": "distilbert", "architectures": ["DistilBertForSequenceClassification"], "vocab_size": V,
        "max_position_embeddings": 40, "sinusoidal_pos_embds": False, "n_layers": 2, "n_heads": 4, "dim": 32,
        "hidden_dim": 64, "dropout": 0.1, "attention_dropout": 0.1, "activation": "gelu", "initializer_range": 0.02,
        "qa_dropout": 0.1, "seq_classif_dropout": 0.2, "pad_token_id": 0,
        "id2label": id2label(L), "label2id": label2id(L),
    }
    ids = torch.randint(1, V, (3, 8), generator=g)
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3, [1] * 2 + [0] * 6])
    ids[mask == 0] = 0
    W = as_f32_then_f64(distilbert_weights(cfg, g, L))
    hidden, logits = distilbert_forward(cfg, W, ids)
    hidden_m, logits_m = distilbert_forward(cfg, W, ids, mask)
    write_fixture("distilbert", cfg, W, {
        "inputs": {"ids": ids.tolist(), "attentionMask": mask.tolist()},
        "hidden": tensor_json(hidden), "hiddenMasked": tensor_json(hidden_m), "logits": tensor_json(logits),
        "logitsMasked": tensor_json(logits_m), "maskedComparison": "all positions",
    })


def make_vit(g):
    L = 5
    cfg = {
        "model_type": "vit", "architectures": ["ViTForImageClassification"], "hidden_size": 32,
        "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "image_size": 16, "patch_size": 4, "num_channels": 3, "qkv_bias": True,
        "encoder_stride": 4, "id2label": id2label(L), "label2id": label2id(L),
    }
    pre = {"do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
           "image_std": [0.5, 0.5, 0.5], "image_processor_type": "ViTImageProcessor", "resample": 2,
           "rescale_factor": 1 / 255, "size": {"height": 16, "width": 16}}
    pixels = torch.randn(2, 3, 16, 16, generator=g, dtype=torch.float64).to(torch.float32).to(torch.float64)
    nhwc = pixels.permute(0, 2, 3, 1)
    W = as_f32_then_f64(vit_weights(cfg, g, num_labels=L))
    hidden, _, logits = vit_forward(cfg, W, pixels)
    write_fixture("vit", cfg, W, {
        "inputs": {"pixelsNHWC": tensor_json(nhwc)}, "hidden": tensor_json(hidden), "logits": tensor_json(logits),
    }, {"preprocessor_config.json": pre})

    bare = dict(cfg, architectures=["ViTModel"])
    Wb = as_f32_then_f64(vit_weights(cfg, g, prefix="", pooler=True))
    hidden, pooled, _ = vit_forward(bare, Wb, pixels, prefix="")
    write_fixture("vit_model", bare, Wb, {
        "inputs": {"pixelsNHWC": tensor_json(nhwc)}, "hidden": tensor_json(hidden), "pooled": tensor_json(pooled),
    })


def main():
    torch.set_num_threads(2)
    g = torch.Generator().manual_seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1234)
    make_gpt2(g)
    make_bert(g)
    make_distilbert(g)
    make_vit(g)


if __name__ == "__main__":
    main()
