"""The work's label read aloud by `espeak-ng`, and the mouth's openness over time from its loudness.

espeak-ng (Debian's `espeak-ng`, GPL-3, a command, not a library: vitrine runs it) writes a 22,050 Hz
mono WAV; the text goes on its standard input, never on its command line. The mouth follows the
amplitude envelope: the RMS of each video frame's slice of samples, over the 95th percentile of those
values, clipped to [0, 1] and smoothed over three frames. The phoneme output (`--pho`) would time
visemes too, but needs an MBROLA voice; loudness is what a viewer reads as speech anyway.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vitrine.errors import LivingError, LivingUnavailable

MAX_CHARS = 240
ESPEAK_HINT = ("install Debian's espeak-ng (apt-get install espeak-ng; scripts/setup.sh does), "
               "or turn speech off")


@dataclass(frozen=True)
class Speech:
    """Mono 16-bit samples at `rate` Hz, and the text they say."""

    samples: np.ndarray
    rate: int
    text: str
    voice: str

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def openness(self, fps: float, frames: int) -> np.ndarray:
        """How open the mouth is in each of `frames` video frames, from 0 to 1."""
        step = self.rate / fps
        levels = np.zeros(frames)
        audio = self.samples.astype(np.float64)
        for i in range(frames):
            part = audio[int(i * step): int((i + 1) * step)]
            levels[i] = float(np.sqrt(np.mean(part ** 2))) if len(part) else 0.0
        top = float(np.percentile(levels[levels > 0], 95)) if (levels > 0).any() else 0.0
        if top <= 0:
            return levels
        levels = np.clip(levels / top, 0, 1)
        return np.convolve(levels, np.ones(3) / 3, mode="same")


def espeak() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        raise LivingUnavailable(f"espeak-ng is not installed; {ESPEAK_HINT}")
    return found


def speak(text: str, voice: str = "en", words_per_minute: int = 150) -> Speech:
    """`text` (at most MAX_CHARS characters are read) spoken by espeak-ng's `voice`."""
    text = " ".join(text.split())[:MAX_CHARS]
    if not text:
        raise LivingError("there is no label to read aloud (the record has no title)")
    if not re.fullmatch(r"[a-z][a-z0-9+-]{0,30}", voice):
        raise LivingError(f"voice is an espeak-ng voice name such as en, fr or de, not {voice!r}")
    with tempfile.TemporaryDirectory(prefix="vitrine-speech-") as folder:
        path = Path(folder) / "speech.wav"
        command = [espeak(), "--stdin", "-v", voice, "-s", str(int(words_per_minute)), "-w", str(path)]
        done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=60,
                              check=False)
        if done.returncode != 0 or not path.is_file():
            raise LivingError(f"espeak-ng could not read the label with voice {voice!r}: "
                              f"{done.stderr.decode('utf-8', 'replace').strip() or done.returncode}")
        with wave.open(str(path), "rb") as wav:
            rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
            data = wav.readframes(wav.getnframes())
    if width != 2 or channels != 1:
        raise LivingError(f"espeak-ng wrote {channels} channel(s) of {8 * width}-bit samples, "
                          "not 16-bit mono")
    return Speech(np.frombuffer(data, dtype="<i2").copy(), rate, text, voice)


def silence(seconds: float, rate: int = 22050) -> Speech:
    """No speech: the mouth stays closed (speech turned off)."""
    return Speech(np.zeros(int(seconds * rate), dtype=np.int16), rate, "", "")
