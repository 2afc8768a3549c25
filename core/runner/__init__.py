"""The core runner: train, restore and score any adapter through a backend."""
