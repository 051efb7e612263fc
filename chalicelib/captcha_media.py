"""Drawing and speaking a captcha's characters: an adapter over the `captcha` library (and Pillow),
imported only by the two routes that need them."""

import base64
from pathlib import Path
from typing import Any

VOICES = Path(__file__).resolve().parent / "captcha_audio" / "voix_fr"


def image_data_uri(answer: str) -> str:
    from captcha.image import ImageCaptcha

    png = ImageCaptcha(width=220, height=80).generate(answer, format="png")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def audio_wav(answer: str) -> bytes:
    from captcha.audio import AudioCaptcha

    return bytes(_audio_captcha(AudioCaptcha).generate(answer))


_audio: Any = None


def _audio_captcha(audio_class: Any) -> Any:
    # Loading the voice samples once per process keeps later requests to the mixing cost alone.
    global _audio
    if _audio is None:
        _audio = audio_class(voicedir=str(VOICES))
    return _audio
