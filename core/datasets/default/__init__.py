"""The built-in default corpus: generated on the fly from PyPI parts, deterministic, cached.

- speech: English sentences spoken by espeak-ng voices (:mod:`.speech`), 22050 Hz mono;
- music: short MIDI pieces rendered with numpy instruments (:mod:`.music`), 44100 Hz stereo;
- noise: white, pink, brown, hum, babble, crackle (:mod:`.noises`), 16000 Hz mono.

This corpus is for smoke runs (does the pipeline work end to end, do files line
up, are numbers finite), not for judging model quality: synthetic speech and
synthesised instruments are far from the recordings restoration models target.
Use real recordings (a folder source, ``fsdd:PATH``) for any real comparison.
"""
