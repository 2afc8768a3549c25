"""Corpora (sources), manifests and dataset builds."""
