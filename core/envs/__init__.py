"""Environments (``environments/<name>/``) and the backends that run jobs in them."""
