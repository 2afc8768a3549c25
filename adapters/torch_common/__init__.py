"""Helpers shared by the PyTorch adapters (segan-pt, kim-*): device and CPU-kernel setup, seeding,
checkpoints, windowing, batching, configuration checks and the training loop.

No module here imports torch at module level; torch is imported inside the
functions that need it, so adapter modules can import these helpers cheaply.
"""
