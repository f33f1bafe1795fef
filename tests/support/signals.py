"""Recordings with known properties for the audio tests: tones, silence, noise at a set
level, clipped signals, syllable-like bursts, and espeak-ng speech with inserted pauses.
Written with soundfile (WAV, FLAC, MP3 through libsndfile)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000


def tone(seconds: float, amplitude: float, freq: float = 997.0, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def noise(seconds: float, rms: float, rate: int = RATE, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, rms, int(seconds * rate))


def syllables(seconds: float, rate: int = RATE, seed: int = 0, level: float = 0.1) -> np.ndarray:
    """Speech-like: 200 ms bursts of band-limited noise, 100 ms pauses, distinct per seed."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * rate))
    step = int(0.3 * rate)
    for start in range(0, len(out) - step, step):
        burst = rng.normal(0, level, int(0.2 * rate))
        burst = np.convolve(burst, np.ones(4) / 2, mode="same")  # a little low-pass
        out[start : start + len(burst)] = burst * np.hanning(len(burst)) * 1.6
    return out


def write(path: Path, samples: np.ndarray, rate: int = RATE, **kw: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples, rate, **kw)
    return path


def write_mp3(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    return write(path, samples, rate, format="MP3", subtype="MPEG_LAYER_III")


def espeak(text: str, path: Path) -> np.ndarray | None:
    """espeak-ng's speech as float samples at its own rate (22,050 Hz), or None without it."""
    if shutil.which("espeak-ng") is None:
        return None
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    data, _ = sf.read(str(path))
    return np.asarray(data, dtype=np.float64)


def trimmed_length(samples: np.ndarray, rate: int, floor_db: float = -50.0) -> float:
    """Seconds from the first to the last sample above `floor_db` dBFS."""
    loud = np.flatnonzero(np.abs(samples) > 10 ** (floor_db / 20))
    return 0.0 if len(loud) == 0 else (loud[-1] - loud[0] + 1) / rate
