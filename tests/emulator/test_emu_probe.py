"""The emulator's duration probe (api-contract.md E15/E18): a plain PCM WAV is read from
its header and gives mutagen's figure exactly; anything unusual goes to mutagen."""

from __future__ import annotations

import io
import random
import struct
import wave

import pytest

from reconciler.emulator import probe
from reconciler.emulator.probe import measure_duration, plain_wav_seconds


def _wav(rate: int, channels: int, width: int, frames: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(bytes(frames * channels * width))
    return out.getvalue()


def _chunk(name: bytes, body: bytes) -> bytes:
    return name + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


def _riff(*chunks: bytes) -> bytes:
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _fmt(channels: int = 1, rate: int = 8000, bits: int = 16, tag: int = 1) -> bytes:
    align = channels * bits // 8
    return _chunk(b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits))


def _by_mutagen(data: bytes, monkeypatch: pytest.MonkeyPatch) -> float | None:
    with monkeypatch.context() as patch:
        patch.setattr(probe, "plain_wav_seconds", lambda _: None)
        return measure_duration(data)


def _shapes() -> list[bytes]:
    chance = random.Random(15)
    shapes = [
        _wav(chance.choice((8000, 16000, 22050, 44100, 48000)), chance.choice((1, 2)), w, n)
        for w in (1, 2, 3, 4)
        for n in (0, 1, 999, chance.randrange(10, 200_000))
    ]
    shapes += [
        _riff(
            _fmt(),
            _chunk(b"LIST", b"INFOISFT" + struct.pack("<I", 4) + b"test"),
            _chunk(b"data", bytes(16000)),
        ),
        _riff(_fmt(2, 44100, 24), _chunk(b"data", bytes(6 * 4410)), _chunk(b"id3 ", b"ID3xx")),
        _riff(_fmt(tag=3, bits=32), _chunk(b"data", bytes(32000))),  # float: mutagen reads it
        _riff(_chunk(b"data", bytes(100)), _fmt()),  # data before fmt
        _riff(_fmt(), _chunk(b"data", bytes(101))),  # odd data: a pad byte follows
        _riff(_fmt(), _fmt(), _chunk(b"data", bytes(100))),  # two fmt chunks
        _riff(_fmt(), _chunk(b"data", bytes(100)), b"junk"),  # trailing bytes, no chunk
        _riff(_fmt(channels=0), _chunk(b"data", bytes(100))),
        _riff(_fmt(rate=0), _chunk(b"data", bytes(100))),
        _riff(_fmt()),  # no data chunk
    ]
    whole = _wav(16000, 1, 2, 16000)
    shapes += [whole[:cut] for cut in (44, 45, 1000, len(whole) - 1)]  # truncated
    shapes.append(whole[:4] + struct.pack("<I", 10) + whole[8:])  # RIFF size is wrong
    shapes.append(whole + b"\0\0")  # bytes past the RIFF size
    return shapes


@pytest.mark.parametrize("data", _shapes(), ids=lambda d: f"{len(d)}B")
def test_the_header_path_gives_mutagens_figure(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert measure_duration(data) == _by_mutagen(data, monkeypatch)


def test_a_plain_wav_never_reaches_mutagen(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: object) -> None:
        raise AssertionError("mutagen was asked about a plain WAV")

    monkeypatch.setattr(probe.mutagen, "File", refuse)
    assert measure_duration(_wav(16000, 1, 2, 24000)) == 1.5
    assert measure_duration(_wav(44100, 2, 3, 44100 * 2)) == 2.0


def test_unusual_files_step_aside_to_mutagen() -> None:
    whole = _wav(16000, 1, 2, 16000)
    assert plain_wav_seconds(whole) == 1.0
    assert plain_wav_seconds(whole[:1000]) is None  # truncated: mutagen and the payload rule
    assert plain_wav_seconds(_riff(_chunk(b"data", bytes(100)), _fmt())) is None
    assert plain_wav_seconds(b"ID3" + bytes(100)) is None
