"""DistilBERT (Hugging Face `DistilBertForMaskedLM` semantics) in plain PyTorch; state_dict keys are HF names.

Post-LayerNorm blocks (eps 1e-12), nn.Linear layout [out, in], exact (erf) gelu, learned positions
(sinusoidal_pos_embds false), MLM head vocab_transform -> gelu -> vocab_layer_norm -> vocab_projector, where
vocab_projector.weight is tied to distilbert.embeddings.word_embeddings.weight.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LN_EPS = 1e-12


class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], cfg["dim"], padding_idx=cfg["pad_token_id"])
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], cfg["dim"])
        self.LayerNorm = nn.LayerNorm(cfg["dim"], eps=LN_EPS)
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, ids):
        T = ids.shape[1]
        x = self.word_embeddings(ids) + self.position_embeddings(torch.arange(T, device=ids.device))  # [B, T, D]
        return self.dropout(self.LayerNorm(x))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_heads = cfg["n_heads"]
        d = cfg["dim"]
        self.q_lin, self.k_lin, self.v_lin, self.out_lin = (nn.Linear(d, d) for _ in range(4))
        self.dropout = nn.Dropout(cfg["attention_dropout"])

    def forward(self, x, mask):
        B, T, D = x.shape
        hd = D // self.n_heads

        def heads(t):
            return t.view(B, T, self.n_heads, hd).transpose(1, 2)  # [B, H, T, hd]

        q = heads(self.q_lin(x)) / math.sqrt(hd)
        k, v = heads(self.k_lin(x)), heads(self.v_lin(x))
        scores = q @ k.transpose(-2, -1)  # [B, H, T, T]
        if mask is not None:  # mask [B, T]: 1 keep, 0 padding
            scores = scores.masked_fill((mask == 0)[:, None, None, :], torch.finfo(scores.dtype).min)
        w = self.dropout(F.softmax(scores, dim=-1))
        ctx = (w @ v).transpose(1, 2).reshape(B, T, D)  # [B, T, D]
        return self.out_lin(ctx)


class FFN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lin1 = nn.Linear(cfg["dim"], cfg["hidden_dim"])
        self.lin2 = nn.Linear(cfg["hidden_dim"], cfg["dim"])
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, x):
        return self.dropout(self.lin2(F.gelu(self.lin1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = MultiHeadSelfAttention(cfg)
        self.sa_layer_norm = nn.LayerNorm(cfg["dim"], eps=LN_EPS)
        self.ffn = FFN(cfg)
        self.output_layer_norm = nn.LayerNorm(cfg["dim"], eps=LN_EPS)
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, x, mask):
        x = self.sa_layer_norm(self.dropout(self.attention(x, mask)) + x)
        return self.output_layer_norm(self.ffn(x) + x)


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(cfg) for _ in range(cfg["n_layers"])])

    def forward(self, x, mask):
        for block in self.layer:
            x = block(x, mask)
        return x


class DistilBertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = Embeddings(cfg)
        self.transformer = Transformer(cfg)

    def forward(self, ids, mask=None):
        return self.transformer(self.embeddings(ids), mask)  # [B, T, D]


class DistilBertForMaskedLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.distilbert = DistilBertModel(cfg)
        self.vocab_transform = nn.Linear(cfg["dim"], cfg["dim"])
        self.vocab_layer_norm = nn.LayerNorm(cfg["dim"], eps=LN_EPS)
        self.vocab_projector_bias = nn.Parameter(torch.zeros(cfg["vocab_size"]))
        self._init_weights()

    def _init_weights(self):
        std = self.cfg["initializer_range"]
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, 0.0, std)
                if isinstance(module, nn.Linear):
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
        with torch.no_grad():
            self.distilbert.embeddings.word_embeddings.weight[self.cfg["pad_token_id"]].zero_()

    def hidden(self, ids, mask=None):
        return self.distilbert(ids, mask)

    def mlm_logits(self, h):
        x = self.vocab_layer_norm(F.gelu(self.vocab_transform(h)))  # [B, T, D]
        return x @ self.distilbert.embeddings.word_embeddings.weight.t() + self.vocab_projector_bias  # [B, T, V]

    def forward(self, ids, mask=None):
        return self.mlm_logits(self.hidden(ids, mask))

    def hf_state_dict(self):
        """HF names; the tied vocab_projector.weight is omitted, as save_pretrained does for tied weights."""
        sd = {k: v for k, v in self.state_dict().items() if k != "vocab_projector_bias"}
        sd["vocab_projector.bias"] = self.vocab_projector_bias.detach()
        return sd
