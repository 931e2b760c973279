#!/usr/bin/python3
"""Builds PEFT-format adapter fixtures for the tiny golden models and the logits they must produce.

Run with Debian's torch:
    OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 /usr/bin/python3 scripts/make_adapter_golden.py

LoRA: random A [r, in] and B [out, r] for the targeted layers; the reference applies W + (alpha / r)·B·A (transposed
for GPT-2's Conv1D, whose weight is [in, out]) and runs the independent forward passes of make_golden.py in float64.
Prompt tuning: random prompt_embeddings [n, dim]; the reference prepends them to the token embeddings of GPT-2
(positions 0..n+T-1) and returns the logits of the real tokens.
Writes test/fixtures/adapters/<name>/{adapter_config.json, adapter_model.safetensors, expected.json}.
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_golden as mg  # noqa: E402

ROOT = os.path.join(HERE, "..")
GOLDEN = os.path.join(ROOT, "test", "fixtures", "golden")
OUT = os.path.join(ROOT, "test", "fixtures", "adapters")


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    body = raw[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[a:b]), dtype=torch.float32).reshape(info["shape"])
        out[name] = t.to(torch.float64)
    return out


def load_fixture(name):
    with open(os.path.join(GOLDEN, name, "config.json")) as f:
        cfg = json.load(f)
    return cfg, read_safetensors(os.path.join(GOLDEN, name, "model.safetensors"))


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def write_adapter(name, config, tensors, expected):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    mg.write_safetensors(os.path.join(d, "adapter_model.safetensors"), list(tensors.items()))
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name:20s} {len(tensors):3d} tensors")


def lora_config(r, alpha, targets, layers, modules_to_save, fan_in_fan_out, task_type):
    return {
        "peft_type": "LORA", "task_type": task_type, "base_model_name_or_path": None, "r": r, "lora_alpha": alpha,
        "lora_dropout": 0.0, "target_modules": targets, "layers_to_transform": layers, "fan_in_fan_out": fan_in_fan_out,
        "modules_to_save": modules_to_save, "bias": "none", "inference_mode": True, "init_lora_weights": True,
        "use_rslora": False, "use_dora": False, "rank_pattern": {}, "alpha_pattern": {}, "revision": None,
    }


def apply_lora(W, g, paths, r, alpha, conv1d):
    """Adds random A/B for each path; returns the PEFT tensors and the merged float64 weights."""
    merged = dict(W)
    tensors = {}
    for path in paths:
        w = W[path + ".weight"]
        in_f, out_f = (w.shape[0], w.shape[1]) if conv1d else (w.shape[1], w.shape[0])
        A = f32(mg.rnd(g, r, in_f, std=0.3))
        B = f32(mg.rnd(g, out_f, r, std=0.3))
        delta = (alpha / r) * (B @ A)  # [out, in]
        merged[path + ".weight"] = w + (delta.t() if conv1d else delta)
        tensors["base_model.model." + path + ".lora_A.weight"] = A
        tensors["base_model.model." + path + ".lora_B.weight"] = B
    return tensors, merged


def make_lora_gpt2(g):
    cfg, W = load_fixture("gpt2")
    r, alpha = 4, 8
    # c_proj matches both attn.c_proj and mlp.c_proj (suffix rule); layers_to_transform keeps block 1 only
    paths = ["transformer.h.1.attn.c_attn", "transformer.h.1.attn.c_proj", "transformer.h.1.mlp.c_proj"]
    tensors, merged = apply_lora(W, g, paths, r, alpha, conv1d=True)
    ids = torch.tensor([[5, 17, 200, 33, 90, 4], [100, 101, 7, 8, 250, 266]])
    _, logits = mg.gpt2_forward(cfg, merged, ids)
    config = lora_config(r, alpha, ["c_attn", "c_proj"], [1], None, True, "CAUSAL_LM")
    write_adapter("lora_gpt2", config, tensors, {"ids": ids.tolist(), "logits": mg.tensor_json(logits)})


def make_lora_distilbert(g):
    cfg, W = load_fixture("distilbert")
    r, alpha = 2, 6
    paths = [f"distilbert.transformer.layer.{i}.attention.{m}" for i in range(cfg["n_layers"]) for m in ("q_lin", "v_lin")]
    tensors, merged = apply_lora(W, g, paths, r, alpha, conv1d=False)
    # modules_to_save ["classifier"] also covers pre_classifier (PEFT matches by suffix); saved without the wrapper
    for name in ("pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias"):
        new = f32(W[name] + mg.rnd(g, *W[name].shape, std=0.2))
        merged[name] = new
        tensors["base_model.model." + name] = new
    ids = torch.tensor([[2, 40, 41, 9, 3, 0], [2, 77, 3, 0, 0, 0]])
    mask = (ids != 0).to(torch.int64)
    _, logits = mg.distilbert_forward(cfg, merged, ids, mask)
    config = lora_config(r, alpha, ["q_lin", "v_lin"], None, ["classifier"], False, "SEQ_CLS")
    write_adapter("lora_distilbert", config, tensors, {"ids": ids.tolist(), "mask": mask.tolist(), "logits": mg.tensor_json(logits)})


def make_prompt_gpt2(g):
    cfg, W = load_fixture("gpt2")
    n, C = 3, cfg["n_embd"]
    prompt = f32(mg.rnd(g, n, C, std=0.5))
    ids = torch.tensor([[5, 17, 200, 33], [100, 101, 7, 8]])
    # the reference forward embeds ids; route the prompt through an extended table with n extra rows
    V = W["transformer.wte.weight"].shape[0]
    ext = dict(W)
    ext["transformer.wte.weight"] = torch.cat([W["transformer.wte.weight"], prompt], 0)
    ext["lm_head.weight"] = W["transformer.wte.weight"]  # the head stays the original vocabulary
    full = torch.cat([torch.arange(V, V + n).expand(ids.shape[0], n), ids], 1)
    _, logits = mg.gpt2_forward(cfg, ext, full)
    config = {
        "peft_type": "PROMPT_TUNING", "task_type": "CAUSAL_LM", "base_model_name_or_path": None,
        "num_virtual_tokens": n, "token_dim": C, "num_transformer_submodules": 1, "num_attention_heads": cfg["n_head"],
        "num_layers": cfg["n_layer"], "prompt_tuning_init": "RANDOM", "prompt_tuning_init_text": None,
        "tokenizer_name_or_path": None, "inference_mode": True,
    }
    write_adapter("prompt_gpt2", config, {"prompt_embeddings": prompt}, {"ids": ids.tolist(), "logits": mg.tensor_json(logits[:, n:])})


def main():
    g = torch.Generator().manual_seed(20261128)
    make_lora_gpt2(g)
    make_lora_distilbert(g)
    make_prompt_gpt2(g)


if __name__ == "__main__":
    main()
