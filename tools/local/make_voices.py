"""Generate the French voice samples used by the audio captcha.

This script is run ONCE, by hand, by a developer. It is not run at build time
or at run time. Its output (``chalicelib/captcha_audio/voix_fr/``, data the Lambda reads) is
committed to the repository, and the back end only reads those files.

For each character of ``ALPHABET`` it writes ``voix_fr/<CHAR>/<n>.wav`` (one
file per entry of ``VARIANTS``), in the layout expected by
``captcha.audio.AudioCaptcha(voicedir=...)``: one sub-directory per character,
holding ``.wav`` files in the only format the library can mix, which is
8000 Hz, mono, 8-bit unsigned PCM.

How a sample is made:

1. ``espeak-ng`` (voice ``fr``) speaks the French word for the character:
   the letter name as a French speaker says it ("effe", "ache", "i grec"...)
   or the number word ("deux", "trois"...).
2. ``sox`` converts it to 8000 Hz / mono / 8-bit unsigned, trims the leading
   and trailing silence and normalises the volume.

Requirements (Debian packages): ``espeak-ng`` and ``sox``
(``apt-get install -y espeak-ng sox``). Only the Python standard library is
used. Usage, from anywhere::

    python tools/local/make_voices.py

The script takes no arguments and can be rerun: it deletes and recreates
``voix_fr/`` each time. ``sox`` runs in repeatable mode (``-R``), so a rerun
with the same tool versions gives the same files.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Characters the captcha can use: the generator's own.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from chalicelib.domain.captchas import ALPHABET

# What espeak-ng is asked to say for each character (French spelling, so the
# French voice pronounces the letter name / number word correctly).
WORDS = {
    "A": "a",
    "E": "e",
    "F": "effe",
    "H": "ache",
    "J": "ji",
    "K": "ka",
    "R": "erre",
    "U": "u",
    "W": "double vé",
    "X": "ixe",
    "Y": "i grec",
    "2": "deux",
    "3": "trois",
    "4": "quatre",
    "5": "cinq",
    "6": "six",
    "7": "sept",
    "8": "huit",
    "9": "neuf",
}

# One sample per entry: (espeak-ng voice, pitch 0-99, speed in words/minute).
# Different voices make the captcha less predictable.
VARIANTS = [
    ("fr", 45, 150),  # default French male voice
    ("fr+f1", 60, 140),  # same language, female variant (no echo)
]

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "chalicelib" / "captcha_audio" / "voix_fr"

# sox output format expected by captcha.audio: 8000 Hz, mono, 8-bit unsigned.
SOX_FORMAT = ["-r", "8000", "-c", "1", "-b", "8", "-e", "unsigned-integer"]

# sox effects: drop leading silence, reverse, drop (former) trailing silence,
# reverse back, then normalise the peak to -1 dBFS. The threshold is very low
# (0.1 %, i.e. -60 dB) on purpose: espeak-ng pads with true digital silence,
# and a higher one (e.g. 1 %) cuts quiet final consonants, turning "effe"
# into "è" and "quatre" into "qua".
SILENCE_THRESHOLD = "0.1%"
SOX_EFFECTS = [
    "silence",
    "1",
    "0.01",
    SILENCE_THRESHOLD,
    "reverse",
    "silence",
    "1",
    "0.01",
    SILENCE_THRESHOLD,
    "reverse",
    "norm",
    "-1",
]


def run(cmd: list[str]) -> None:
    """Run a command, stopping the script with its error output on failure."""
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{result.stderr}")


def make_sample(word: str, voice: str, pitch: int, speed: int, raw_wav: Path, out_wav: Path) -> None:
    """Synthesise ``word`` with espeak-ng and convert it to captcha format."""
    run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(raw_wav), word])
    run(["sox", "-R", str(raw_wav), *SOX_FORMAT, str(out_wav), *SOX_EFFECTS])


def main() -> None:
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install -y espeak-ng sox")
    assert set(WORDS) == set(ALPHABET), "WORDS must cover ALPHABET exactly"

    if OUTPUT_DIR.exists():
        shutil.rmtree(OUTPUT_DIR)

    with tempfile.TemporaryDirectory() as tmp:
        raw_wav = Path(tmp) / "espeak.wav"
        for char in ALPHABET:
            char_dir = OUTPUT_DIR / char
            char_dir.mkdir(parents=True)
            for n, (voice, pitch, speed) in enumerate(VARIANTS, start=1):
                make_sample(WORDS[char], voice, pitch, speed, raw_wav, char_dir / f"{n}.wav")

    print(f"wrote {len(ALPHABET) * len(VARIANTS)} samples to {OUTPUT_DIR}")


if __name__ == "__main__":
    main()
