"""Helpers shared by the PyTorch adapters (segan-pt, kim-*): device choice, seeding,
checkpoints, windowing, batching, configuration checks and the training loop.

Modules here import torch only inside functions, except ``loop``, ``checkpoint``
and ``seeding``, which are only imported from ``train``/``restore`` code paths.
"""
