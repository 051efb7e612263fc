"""French voice samples for the audio captcha: data read at run time (made once by tools/local/make_voices.py)."""
