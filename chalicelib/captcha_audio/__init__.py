"""French voice samples for the audio captcha (see make_voices.py)."""
