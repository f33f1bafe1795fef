"""The emulator's own sound checks (api-contract.md E27), numpy-free: silent and heavily
clipped PCM WAVs get a discard reason; other audio and containers pass unjudged."""

from __future__ import annotations

import io
import math
import struct
import wave

import pytest

from reconciler.emulator.sound import judge_sound


def pcm(samples: list[float], width: int = 2) -> bytes:
    out = io.BytesIO()
    full = 2 ** (8 * width - 1)
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(width)
        handle.setframerate(8000)
        if width == 1:
            handle.writeframes(bytes(min(255, max(0, 128 + round(s * 128))) for s in samples))
        elif width == 2:
            values = [min(full - 1, max(-full, round(s * full))) for s in samples]
            handle.writeframes(struct.pack(f"<{len(values)}h", *values))
        else:
            data = b"".join(
                min(full - 1, max(-full, round(s * full))).to_bytes(3, "little", signed=True)
                for s in samples
            )
            handle.writeframes(data)
    return out.getvalue()


def sine(n: int, amplitude: float) -> list[float]:
    return [amplitude * math.sin(i * 0.3) for i in range(n)]


def test_a_silent_wav_is_discarded_as_silent() -> None:
    assert judge_sound(pcm([0.0005 * (i % 2) for i in range(8000)])) == (
        "silent audio (peak below -60 dBFS)"
    )
    assert judge_sound(pcm([0.0] * 8000, width=1)) == "silent audio (peak below -60 dBFS)"


def test_a_heavily_clipped_wav_is_discarded_with_its_share() -> None:
    clipped = [max(-1.0, min(1.0, s)) for s in sine(8000, 1.25)]
    reason = judge_sound(pcm(clipped)) or ""
    # |1.25 sin x| >= 0.999 on 1 - 2/π·asin(0.999/1.25) of the period: 41.0 %
    share = float(reason.removeprefix("heavy clipping: ").split(" ")[0])
    assert reason == f"heavy clipping: {share:.1f} % of samples at full scale"
    assert share == pytest.approx(100 * (1 - 2 / math.pi * math.asin(0.999 / 1.25)), abs=0.3)
    assert judge_sound(pcm(clipped, width=3)) == reason


def test_ordinary_audio_and_other_containers_pass() -> None:
    assert judge_sound(pcm(sine(8000, 0.3))) is None
    few = sine(8000, 0.3)
    few[:40] = [1.0] * 40  # 0.5 %: below the 1 % that is discarded
    assert judge_sound(pcm(few)) is None
    assert judge_sound(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 100) is None
    assert judge_sound(b"RIFF\x00\x00\x00\x00WAVE") is None


def test_full_scale_is_counted_exactly_at_the_sixteen_bit_boundary() -> None:
    codes = [32767] * 100 + [-32768] * 50 + [-32736] * 10 + [32736] * 10
    codes += [-32735] * 5 + [32735] * 5 + [100] * 820  # ±32735 are just below 0.999
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(struct.pack(f"<{len(codes)}h", *codes))
    assert judge_sound(out.getvalue()) == "heavy clipping: 17.0 % of samples at full scale"
