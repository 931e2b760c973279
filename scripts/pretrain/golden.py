"""Golden data for the unit tests and the TypeScript engine: tokenizer ids and forward-pass outputs computed by
the PyTorch reference models after reloading the written model.safetensors."""
import os

import torch

from .distilbert_model import DistilBertForMaskedLM
from .gpt2_model import GPT2LMHeadModel
from .safetensors_io import load_safetensors

HEAD = 8  # leading vocab / hidden entries recorded per position

TOKENIZER_EDGE_CASES = [
    "",
    "Call me Ishmael.",
    "Hello  world",
    "don't I'll we've they're she'd IT'S",
    "   leading spaces and trailing   ",
    "tabs\tand\nnewlines\n\n\nend",
    "numbers 1234567 and 3.14159, 1,000",
    "Ünïcödé café naïve Æsir",
    "a whale 🐋 emoji",
    "first<|endoftext|>second",
    "CJK 鯨 and Greek ΚΗΤΟΣ",
    "mixed—dashes–and “curly” ‘quotes’",
    "ALL CAPS SHOUTING!!! ???",
    "x's y'S z''s",
    "#include <stdio.h> // code { a: [1, 2] }",
    "The whale [MASK] the boat. [SEP] [CLS]",
]


def _rounded(t, digits=6):
    return [round(float(x), digits) for x in t.reshape(-1).tolist()] if t.dim() <= 1 else [
        _rounded(row, digits) for row in t]


def _top2_gap(logits):
    top = torch.topk(logits, 2, dim=-1).values
    return top[..., 0] - top[..., 1]


def reload_gpt2(folder, cfg):
    tensors, _ = load_safetensors(os.path.join(folder, "model.safetensors"))
    model = GPT2LMHeadModel(dict(cfg, attn_pdrop=0.0, resid_pdrop=0.0, embd_pdrop=0.0))
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    return model.eval()


def reload_distilbert(folder, cfg):
    tensors, _ = load_safetensors(os.path.join(folder, "model.safetensors"))
    model = DistilBertForMaskedLM(dict(cfg, dropout=0.0, attention_dropout=0.0))
    sd = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
    sd["vocab_projector_bias"] = sd.pop("vocab_projector.bias")
    model.load_state_dict(sd, strict=True)
    return model.eval()


@torch.no_grad()
def gpt2_golden(folder, cfg, tok, text, prompt, greedy_tokens, generate):
    model = reload_gpt2(folder, cfg)
    ids = tok.encode(text)
    logits = model(torch.tensor([ids]))[0]  # [T, V]
    prompt_ids = tok.encode(prompt)
    new_ids = generate(model, prompt_ids, greedy_tokens)[len(prompt_ids):]
    full = torch.tensor([prompt_ids + new_ids])
    gaps = _top2_gap(model(full)[0, len(prompt_ids) - 1:-1]).tolist()  # margin of each greedy choice
    return {
        "description": "Outputs of the PyTorch reference GPT-2 (HF semantics) on the committed weights, eval mode.",
        "tolerance": {"abs": 1e-3, "note": "float32 on different kernels; logits are O(10)"},
        "text": text,
        "input_ids": ids,
        "logits_head": _rounded(logits[:, :HEAD]),
        "logits_logsumexp": _rounded(torch.logsumexp(logits, dim=-1)),
        "logits_argmax": logits.argmax(-1).tolist(),
        "logits_top2_gap": _rounded(_top2_gap(logits)),
        "greedy": {"prompt": prompt, "prompt_ids": prompt_ids, "new_ids": new_ids,
                   "min_top2_gap": round(min(gaps), 6)},
    }


@torch.no_grad()
def distilbert_golden(folder, cfg, tok, texts):
    model = reload_distilbert(folder, cfg)
    single = tok.encode(texts[0])
    h = model.hidden(torch.tensor([single]))[0]  # [T, D]
    logits = model.mlm_logits(h)  # [T, V]
    batch = [tok.encode(t) for t in texts]
    width = max(map(len, batch))
    ids = torch.tensor([b + [tok.pad_id] * (width - len(b)) for b in batch])
    mask = (ids != tok.pad_id).long()
    hb = model.hidden(ids, mask)  # [B, T, D]
    return {
        "description": "Outputs of the PyTorch reference DistilBERT (HF semantics) on the committed weights, eval "
                       "mode. last_hidden_state = distilbert(...)[0]; mlm = DistilBertForMaskedLM logits.",
        "tolerance": {"abs": 1e-3, "note": "float32 on different kernels"},
        "text": texts[0],
        "input_ids": single,
        "hidden_head": _rounded(h[:, :HEAD]),
        "mlm_logsumexp": _rounded(torch.logsumexp(logits, dim=-1)),
        "mlm_argmax": logits.argmax(-1).tolist(),
        "mlm_top2_gap": _rounded(_top2_gap(logits)),
        "padded_batch": {
            "texts": texts,
            "input_ids": ids.tolist(),
            "attention_mask": mask.tolist(),
            "hidden_head_unpadded": [_rounded(hb[i, :len(b), :HEAD]) for i, b in enumerate(batch)],
        },
    }
