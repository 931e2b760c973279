#!/usr/bin/env python3
"""Pretrain Tunebook's embedded default ViT (offline, CPU, under a minute on 2 cores):

  kernel/assets/models/tiny-vit/   ViTForImageClassification, 32x32 RGB, patch 8, 4 layers, width 64, 10 labels
                                   (digit identity 0-9), pretrained on scikit-learn's bundled 8x8 handwritten digits

Also writes (all small, committed):
  examples/data/vit-digits/{train,eval}/{low,high}/*.png  held-out digits (never seen in pretraining), labelled by a
                                                          DIFFERENT task: digit < 5 ("low") or >= 5 ("high")
  test/unit/kernel/engine/vision/fixtures/                golden data: preprocessing of odd-sized PNGs computed
                                                          with PIL + numpy, and torch logits of tiny-vit on 4 PNGs

The model is written by hand from the Hugging Face ViT spec (no transformers dependency): parameter names are
`ViTForImageClassification`'s, nn.Linear weights [out, in], the patch projection Conv2d weight NCHW [C, 3, p, p].

Usage (from the repository root):
  OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/pretrain_default_vit.py
Needs Debian's python3-torch (1.13), numpy, scikit-learn and Pillow.
"""
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
from torch import nn
from PIL import Image
from sklearn.datasets import load_digits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pretrain.safetensors_io import load_safetensors, save_safetensors  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(REPO_ROOT, "kernel", "assets", "models", "tiny-vit")
EXAMPLE_DIR = os.path.join(REPO_ROOT, "examples", "data", "vit-digits")
FIXTURES_DIR = os.path.join(REPO_ROOT, "test", "unit", "kernel", "engine", "vision", "fixtures")
COMMAND = "OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/pretrain_default_vit.py"

SEED = 1234
IMAGE = 32
CONFIG = {
    "architectures": ["ViTForImageClassification"],
    "model_type": "vit",
    "image_size": IMAGE,
    "patch_size": 8,
    "num_channels": 3,
    "hidden_size": 64,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "qkv_bias": True,
    "encoder_stride": 8,
    "id2label": {str(i): str(i) for i in range(10)},
    "label2id": {str(i): i for i in range(10)},
    "torch_dtype": "float32",
}
PREPROCESSOR = {
    "image_processor_type": "ViTImageProcessor",
    "do_resize": True,
    "size": {"height": IMAGE, "width": IMAGE},
    "resample": 2,
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "image_mean": [0.5, 0.5, 0.5],
    "image_std": [0.5, 0.5, 0.5],
}
HELD_OUT_TRAIN = 160  # per example split: images the example notebook fine-tunes on
HELD_OUT_EVAL = 120


def log(msg):
    print(msg, flush=True)


# --- model: Hugging Face ViTForImageClassification, top to bottom -------------------------------------------------

class PatchEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.projection = nn.Conv2d(c["num_channels"], c["hidden_size"], c["patch_size"], stride=c["patch_size"])

    def forward(self, pixels):  # [B, 3, H, W] -> [B, N, C]
        return self.projection(pixels).flatten(2).transpose(1, 2)


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        n = (c["image_size"] // c["patch_size"]) ** 2
        self.cls_token = nn.Parameter(torch.randn(1, 1, c["hidden_size"]) * c["initializer_range"])
        self.position_embeddings = nn.Parameter(torch.randn(1, n + 1, c["hidden_size"]) * c["initializer_range"])
        self.patch_embeddings = PatchEmbeddings(c)

    def forward(self, pixels):
        x = self.patch_embeddings(pixels)
        return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.position_embeddings


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        C = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query, self.key, self.value = nn.Linear(C, C), nn.Linear(C, C), nn.Linear(C, C)

    def forward(self, x):  # [B, T, C]
        B, T, C = x.shape
        split = lambda t: t.view(B, T, self.heads, C // self.heads).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(C // self.heads), -1)
        return (att @ v).transpose(1, 2).reshape(B, T, C)


class Dense(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.dense = nn.Linear(i, o)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = SelfAttention(c)
        self.output = Dense(c["hidden_size"], c["hidden_size"])

    def forward(self, x):
        return self.output.dense(self.attention(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        C, eps = c["hidden_size"], c["layer_norm_eps"]
        self.attention = Attention(c)
        self.intermediate = Dense(C, c["intermediate_size"])
        self.output = Dense(c["intermediate_size"], C)
        self.layernorm_before = nn.LayerNorm(C, eps=eps)
        self.layernorm_after = nn.LayerNorm(C, eps=eps)

    def forward(self, x):
        h = self.attention(self.layernorm_before(x)) + x
        return self.output.dense(nn.functional.gelu(self.intermediate.dense(self.layernorm_after(h)))) + h


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])


class Backbone(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, pixels):
        x = self.embeddings(pixels)
        for layer in self.encoder.layer:
            x = layer(x)
        return self.layernorm(x)


class ViTForImageClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.vit = Backbone(c)
        self.classifier = nn.Linear(c["hidden_size"], len(c["id2label"]))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.trunc_normal_(m.weight, std=c["initializer_range"])
                nn.init.zeros_(m.bias)

    def forward(self, pixels):  # NCHW, preprocessed
        return self.classifier(self.vit(pixels)[:, 0])


# --- data ---------------------------------------------------------------------------------------------------------

def digits_as_images():
    """sklearn's 8x8 digits (ink 0..16) as 32x32 uint8 grey images, upscaled by pixel repetition, white ink."""
    d = load_digits()
    grey8 = np.round(d.images * (255 / 16)).astype(np.uint8)  # [n, 8, 8]
    grey32 = grey8.repeat(IMAGE // 8, axis=1).repeat(IMAGE // 8, axis=2)
    return grey32, d.target.astype(np.int64)


def preprocess(grey):
    """[n, 32, 32] uint8 grey -> [n, 3, 32, 32] float32, as ViTImageProcessor (resize to 32x32 is the identity)."""
    x = grey.astype(np.float64) * (1 / 255)
    x = ((x.astype(np.float32) - np.float32(0.5)) / np.float32(0.5)).astype(np.float32)
    return torch.from_numpy(np.repeat(x[:, None], 3, axis=1))


def shifted(batch, rng):
    """Random translation by up to 3 pixels (zero = background padded), a cheap augmentation."""
    out = torch.full_like(batch, -1.0)
    dy, dx = rng.integers(-3, 4, size=2)
    H = batch.shape[2]
    ys, yd = (slice(0, H - dy), slice(dy, H)) if dy >= 0 else (slice(-dy, H), slice(0, H + dy))
    xs, xd = (slice(0, H - dx), slice(dx, H)) if dx >= 0 else (slice(-dx, H), slice(0, H + dx))
    out[:, :, yd, xd] = batch[:, :, ys, xs]
    return out


def save_png(path, grey):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(grey, mode="L").save(path, optimize=False)


# --- pretraining ----------------------------------------------------------------------------------------------------

def pretrain(x, y, x_val, y_val, epochs=40, batch=64, lr=2e-3):
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = ViTForImageClassification(CONFIG)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    steps = epochs * math.ceil(len(x) / batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    for epoch in range(epochs):
        model.train()
        order = torch.from_numpy(rng.permutation(len(x)))
        total = 0.0
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            loss = nn.functional.cross_entropy(model(shifted(x[idx], rng)), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 4 or epoch == epochs - 1:
            log(f"epoch {epoch + 1:3d}  loss {total / len(x):.4f}  held-out accuracy {accuracy(model, x_val, y_val):.4f}")
    model.eval()
    return model


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    return (model(x).argmax(-1) == y).float().mean().item()


def main():
    torch.set_num_threads(2)
    started = time.time()
    grey, labels = digits_as_images()
    order = np.random.default_rng(SEED).permutation(len(grey))
    held = order[: HELD_OUT_TRAIN + HELD_OUT_EVAL]
    train_idx = order[HELD_OUT_TRAIN + HELD_OUT_EVAL:]
    x_all = preprocess(grey)
    y_all = torch.from_numpy(labels)
    model = pretrain(x_all[train_idx], y_all[train_idx], x_all[held], y_all[held])
    held_acc = accuracy(model, x_all[held], y_all[held])
    seconds = time.time() - started
    log(f"pretrained in {seconds:.1f}s; digit accuracy on the {len(held)} held-out images {held_acc:.4f}")

    # model folder
    if os.path.isdir(MODEL_DIR):
        shutil.rmtree(MODEL_DIR)
    os.makedirs(MODEL_DIR)
    with open(os.path.join(MODEL_DIR, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    with open(os.path.join(MODEL_DIR, "preprocessor_config.json"), "w") as f:
        json.dump(PREPROCESSOR, f, indent=2)
        f.write("\n")
    state = {k: v for k, v in model.state_dict().items()}
    save_safetensors(os.path.join(MODEL_DIR, "model.safetensors"), state, {"format": "pt"})
    params = sum(v.numel() for v in state.values())
    write_readme(params, len(train_idx), len(held), held_acc, seconds)

    # example data: held-out digits, relabelled low (<5) / high (>=5)
    if os.path.isdir(EXAMPLE_DIR):
        shutil.rmtree(EXAMPLE_DIR)
    splits = {"train": held[:HELD_OUT_TRAIN], "eval": held[HELD_OUT_TRAIN:]}
    for split, idx in splits.items():
        for i in idx:
            cls = "high" if labels[i] >= 5 else "low"
            save_png(os.path.join(EXAMPLE_DIR, split, cls, f"digit{i:04d}.png"), grey[i])

    # golden fixtures
    os.makedirs(FIXTURES_DIR, exist_ok=True)
    write_preprocess_golden()
    parity_files = [os.path.join(EXAMPLE_DIR, "eval", "high" if labels[i] >= 5 else "low", f"digit{i:04d}.png") for i in held[-4:]]
    reread = np.stack([np.asarray(Image.open(p).convert("RGB"), dtype=np.uint8)[:, :, 0] for p in parity_files])
    with torch.no_grad():
        logits = model(preprocess(reread)).numpy()
    # check the saved file reproduces the model
    saved, _ = load_safetensors(os.path.join(MODEL_DIR, "model.safetensors"))
    twin = ViTForImageClassification(CONFIG)
    twin.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in saved.items()})
    twin.eval()
    with torch.no_grad():
        assert np.allclose(twin(preprocess(reread)).numpy(), logits, atol=1e-6)
    with open(os.path.join(FIXTURES_DIR, "tiny_vit_logits.json"), "w") as f:
        json.dump({
            "comment": f"torch logits of kernel/assets/models/tiny-vit on these PNGs (paths from the repo root). Regenerate: {COMMAND}",
            "files": [os.path.relpath(p, REPO_ROOT) for p in parity_files],
            "logits": logits.astype(float).round(7).tolist(),
        }, f, indent=1)
        f.write("\n")
    log(f"wrote {MODEL_DIR}, {EXAMPLE_DIR}, {FIXTURES_DIR} in {time.time() - started:.1f}s")


def write_preprocess_golden():
    """Odd-sized RGB / grey / RGBA PNGs, and what ViTImageProcessor does to them at 32x32 (PIL resize + numpy)."""
    rng = np.random.default_rng(7)
    cases = [("rgb_13x9.png", "RGB", (9, 13, 3)), ("grey_8x8.png", "L", (8, 8)), ("rgba_40x20.png", "RGBA", (20, 40, 4))]
    out = []
    for name, mode, shape in cases:
        pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
        path = os.path.join(FIXTURES_DIR, name)
        Image.fromarray(pixels, mode=mode).save(path)
        rgb = Image.open(path).convert("RGB").resize((IMAGE, IMAGE), Image.BILINEAR)
        x = np.asarray(rgb, dtype=np.uint8).astype(np.float64) * (1 / 255)
        x = (x.astype(np.float32) - np.float32(0.5)) / np.float32(0.5)
        out.append({"file": name, "shape": list(x.shape), "pixels": x.astype(float).round(8).ravel().tolist()})
    with open(os.path.join(FIXTURES_DIR, "preprocess_golden.json"), "w") as f:
        json.dump({"comment": f"PIL bilinear resize to 32x32, rescale 1/255, normalise mean 0.5 std 0.5; NHWC. Regenerate: {COMMAND}",
                   "images": out}, f)
        f.write("\n")


def write_readme(params, n_train, n_held, held_acc, seconds):
    c = CONFIG
    text = f"""# tiny-vit

A {c['num_hidden_layers']}-layer, {c['hidden_size']}-wide, {c['num_attention_heads']}-head Vision Transformer
(`ViTForImageClassification`, {c['image_size']}x{c['image_size']} RGB input, patch {c['patch_size']},
intermediate {c['intermediate_size']}, {params:,} parameters) pretrained from scratch to recognise handwritten
digits 0-9, so Tunebook's image fine-tuning demos run offline on real representations. It is a toy.

Hugging Face layout: `config.json`, `preprocessor_config.json` (`ViTImageProcessor`: resize to 32x32 bilinear,
rescale 1/255, normalise mean 0.5 / std 0.5), `model.safetensors` (float32, `vit.*` + `classifier.*` names,
`nn.Linear` weights `[out, in]`, patch projection `Conv2d` weight `[64, 3, 8, 8]`), written by hand from the spec.

## Data

scikit-learn's bundled copy of the UCI "Optical Recognition of Handwritten Digits" test set
(`sklearn.datasets.load_digits()`, 1,797 images of 8x8 pixels, ink 0-16), upscaled to 32x32 by pixel repetition
(white ink on black, grey replicated to RGB). A fixed random {n_held} images are held out and never used in
pretraining; {n_train} are used, with random translations of up to 3 pixels.
Digit accuracy on the held-out images: {held_acc:.3f}. Pretraining took {seconds:.0f} s on 2 CPU cores.

The held-out images are also written to `examples/data/vit-digits/` (relabelled digit < 5 / >= 5) for
`examples/vit.ftnb`.

## Licence

- Data: E. Alpaydin and C. Kaynak, *Optical Recognition of Handwritten Digits*, UCI Machine Learning Repository
  (1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0; distributed with scikit-learn (BSD-3-Clause).
- The model weights and these files are part of Tunebook and released under the project's MIT licence
  (the derived example images remain under CC BY 4.0 with the attribution above).

## Reproduce

```
{COMMAND}
```
Deterministic for a given torch build (seed {SEED}).
"""
    with open(os.path.join(MODEL_DIR, "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
