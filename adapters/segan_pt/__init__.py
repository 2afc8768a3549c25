"""segan-pt: SEGAN (Pascual, Bonafonte, Serrà, Interspeech 2017) reimplemented in PyTorch."""
