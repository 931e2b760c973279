"""PyTorch reference for bench/scale.ts: the same training step (forward, cross-entropy, backward, AdamW update)
as bench/scaleStep.ts for one configuration: GPT-2 (full or LoRA on c_attn), DistilBERT sequence classification
or ViT image classification, random init, same shapes. Prints one JSON line; peak RSS is this process's VmHWM.

Run as bench/scale.ts does: OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=<cores> /usr/bin/python3 bench/torch_scale.py '<json>'
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

req = json.loads(sys.argv[1])
cfg = req["config"]
WARMUP = req.get("warmup", 1)
STEPS = req.get("steps", 3)
C = cfg["hidden"]
H = cfg["heads"]
I = cfg["intermediate"]
L = cfg["layers"]


def attention(q, k, v, mask=None):  # [B, H, T, D]
    scores = (q / math.sqrt(q.shape[-1])) @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return scores.softmax(dim=-1) @ v


def heads(x):  # [B, T, C] -> [B, H, T, D]
    b, t, c = x.shape
    return x.view(b, t, H, c // H).transpose(1, 2)


def merge(x):  # [B, H, T, D] -> [B, T, C]
    b, h, t, d = x.shape
    return x.transpose(1, 2).reshape(b, t, h * d)


class LoraLinear(nn.Module):
    """A frozen Linear plus (alpha / r) x A^T B^T, A kaiming-uniform, B zero (PEFT's init)."""

    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.a = nn.Parameter(torch.empty(r, base.in_features).uniform_(-1 / math.sqrt(base.in_features), 1 / math.sqrt(base.in_features)))
        self.b = nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale


class Gpt2Block(nn.Module):
    def __init__(self, T):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C, eps=1e-5)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C, eps=1e-5)
        self.c_fc = nn.Linear(C, I)
        self.mlp_proj = nn.Linear(I, C)
        self.register_buffer("causal", torch.tril(torch.ones(T, T, dtype=torch.bool)).view(1, 1, T, T))

    def forward(self, x):
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        x = x + self.c_proj(merge(attention(heads(q), heads(k), heads(v), self.causal)))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt2(nn.Module):
    def __init__(self, V, P, T):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(P, C)
        self.h = nn.ModuleList(Gpt2Block(T) for _ in range(L))
        self.ln_f = nn.LayerNorm(C, eps=1e-5)

    def forward(self, ids):  # logits [B, T, V], head tied to wte
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()


class EncoderBlock(nn.Module):
    """Post-LN (DistilBERT) or pre-LN (ViT) encoder block with separate q, k, v projections and exact GELU."""

    def __init__(self, pre_ln, eps):
        super().__init__()
        self.pre_ln = pre_ln
        self.q, self.k, self.v, self.o = (nn.Linear(C, C) for _ in range(4))
        self.ln_a = nn.LayerNorm(C, eps=eps)
        self.lin1 = nn.Linear(C, I)
        self.lin2 = nn.Linear(I, C)
        self.ln_b = nn.LayerNorm(C, eps=eps)

    def attend(self, x):
        return self.o(merge(attention(heads(self.q(x)), heads(self.k(x)), heads(self.v(x)))))

    def forward(self, x):
        if self.pre_ln:
            x = x + self.attend(self.ln_a(x))
            return x + self.lin2(F.gelu(self.lin1(self.ln_b(x))))
        x = self.ln_a(x + self.attend(x))
        return self.ln_b(x + self.lin2(F.gelu(self.lin1(x))))


class DistilBert(nn.Module):
    def __init__(self, V, P, labels):
        super().__init__()
        self.word = nn.Embedding(V, C)
        self.pos = nn.Embedding(P, C)
        self.ln = nn.LayerNorm(C, eps=1e-12)
        self.layers = nn.ModuleList(EncoderBlock(False, 1e-12) for _ in range(L))
        self.pre_classifier = nn.Linear(C, C)
        self.classifier = nn.Linear(C, labels)

    def forward(self, ids):
        x = self.ln(self.word(ids) + self.pos(torch.arange(ids.shape[1])))
        for layer in self.layers:
            x = layer(x)
        return self.classifier(F.relu(self.pre_classifier(x[:, 0])))


class Vit(nn.Module):
    def __init__(self, image, patch, labels):
        super().__init__()
        self.patch = nn.Conv2d(3, C, patch, stride=patch)
        n = (image // patch) ** 2
        self.cls = nn.Parameter(torch.zeros(1, 1, C))
        self.pos = nn.Parameter(torch.zeros(1, n + 1, C).normal_(0, 0.02))
        self.layers = nn.ModuleList(EncoderBlock(True, 1e-12) for _ in range(L))
        self.ln = nn.LayerNorm(C, eps=1e-12)
        self.classifier = nn.Linear(C, labels)

    def forward(self, pixels):  # [B, 3, S, S]
        x = self.patch(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.classifier(self.ln(x)[:, 0])


def init(module):  # as Hugging Face: normal(0, 0.02) weights, zero biases, unit LayerNorms
    if isinstance(module, (nn.Linear, nn.Embedding, nn.Conv2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    if isinstance(module, (nn.Linear, nn.Conv2d)) and module.bias is not None:
        nn.init.zeros_(module.bias)


torch.manual_seed(0)
family = cfg["family"]
B = cfg["batch"]
if family == "gpt2":
    T = cfg["seq"]
    model = Gpt2(cfg["vocab"], cfg["positions"], T)
    model.apply(init)
    if cfg["method"] == "lora":
        for p in model.parameters():
            p.requires_grad_(False)
        for block in model.h:
            block.c_attn = LoraLinear(block.c_attn, cfg["r"], cfg["alpha"])
    inputs = torch.randint(0, cfg["vocab"], (B, T))
    units = B * T

    def loss_fn():
        logits = model(inputs)
        return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), inputs[:, 1:].reshape(-1))
elif family == "distilbert":
    model = DistilBert(cfg["vocab"], cfg["positions"], cfg["labels"])
    model.apply(init)
    inputs = torch.randint(0, cfg["vocab"], (B, cfg["seq"]))
    targets = torch.arange(B) % cfg["labels"]
    units = B * cfg["seq"]

    def loss_fn():
        return F.cross_entropy(model(inputs), targets)
else:
    model = Vit(cfg["image"], cfg["patch"], cfg["labels"])
    model.apply(init)
    inputs = torch.randn(B, 3, cfg["image"], cfg["image"])
    targets = torch.arange(B) % cfg["labels"]
    units = B

    def loss_fn():
        return F.cross_entropy(model(inputs), targets)

trainable = [p for p in model.parameters() if p.requires_grad]
decay = [p for p in trainable if p.dim() >= 2]
no_decay = [p for p in trainable if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-5)


def step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn()
    loss.backward()
    opt.step()
    return loss.item()


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


for _ in range(WARMUP):
    loss = step()
times = []
cpu0 = time.process_time()
for _ in range(STEPS):
    t0 = time.perf_counter()
    loss = step()
    times.append((time.perf_counter() - t0) * 1000)
cpu_ms = (time.process_time() - cpu0) * 1000 / STEPS

print(json.dumps({
    "status": "ok",
    "torchVersion": torch.__version__,
    "threads": torch.get_num_threads(),
    "stepMsMedian": statistics.median(times),
    "stepMsAll": [round(t) for t in times],
    "cpuMsPerStep": cpu_ms,
    "loss": loss,
    "params": sum(p.numel() for p in model.parameters()),
    "trainableParams": sum(p.numel() for p in trainable),
    "peakRssMb": peak_rss_mb(),
}))
