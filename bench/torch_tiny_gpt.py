"""PyTorch reference for bench/engine.ts: the same tiny GPT-2 train step (forward, cross-entropy, backward,
AdamW update) with the same shapes, timed the same way. Prints one JSON line.

Run as bench/engine.ts does: OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=<cores> /usr/bin/python3 bench/torch_tiny_gpt.py '<json config>'
"""
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
V = cfg.get("vocab", 256)
T = cfg.get("context", 64)
C = cfg.get("width", 128)
H = cfg.get("heads", 4)
L = cfg.get("layers", 2)
B = cfg.get("batch", 16)
WARMUP = cfg.get("warmup", 2)
STEPS = cfg.get("steps", 10)
LR = cfg.get("lr", 1e-3)
WD = cfg.get("weightDecay", 0.01)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C, eps=1e-5)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C, eps=1e-5)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)
        self.register_buffer("causal", torch.tril(torch.ones(T, T, dtype=torch.bool)).view(1, 1, T, T))

    def forward(self, x):  # [B, T, C]
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q = q.view(b, t, H, c // H).transpose(1, 2)  # [B, H, T, D]
        k = k.view(b, t, H, c // H).transpose(1, 2)
        v = v.view(b, t, H, c // H).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // H))  # [B, H, T, T]
        att = att.masked_fill(~self.causal[:, :, :t, :t], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class TinyGpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C, eps=1e-5)

    def forward(self, ids):  # [B, T] -> logits [B, T, V], head tied to wte
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()


def gpt2_init(module):  # as Hugging Face GPT-2: normal(0, 0.02) weights, zero biases, unit LayerNorms
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    if isinstance(module, nn.Linear):
        nn.init.zeros_(module.bias)


torch.manual_seed(0)
model = TinyGpt()
model.apply(gpt2_init)
opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WD)
ids = torch.randint(0, V, (B, T))
targets = torch.randint(0, V, (B, T))


def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(ids).view(-1, V), targets.view(-1))
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(WARMUP):
    step()
times = []
cpu0 = time.process_time()
for _ in range(STEPS):
    t0 = time.perf_counter()
    loss = step()
    times.append((time.perf_counter() - t0) * 1000)
cpu_ms = (time.process_time() - cpu0) * 1000 / STEPS

print(json.dumps({
    "torchVersion": torch.__version__,
    "threads": torch.get_num_threads(),
    "stepMsMedian": statistics.median(times),
    "stepMsMin": min(times),
    "cpuMsPerStep": cpu_ms,
    "loss": loss,
    "params": sum(p.numel() for p in model.parameters()),
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
