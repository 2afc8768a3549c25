"""The original SEGAN (santi-pdp/segan at a pinned commit), run unmodified in its environment."""
