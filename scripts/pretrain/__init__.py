"""Helpers for scripts/pretrain_default_models.py (tiny GPT-2 and DistilBERT defaults)."""
