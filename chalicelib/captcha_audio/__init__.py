"""French voice samples for the audio captcha: data read at run time (made once by tools/make_voices.py)."""
