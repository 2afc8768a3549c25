"""Classical baselines with no framework: identity, a Wiener denoiser, a bandwidth extender."""
