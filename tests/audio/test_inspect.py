"""Audio facts and bad audio (reliability.md B5): sniffed containers, truncation, VBR MP3."""

from __future__ import annotations

import hashlib
from pathlib import Path

import mutagen

from reconciler.audio.cache import AudioCache
from reconciler.audio.inspect import inspect_audio
from reconciler.audio.mp3frames import walk
from reconciler.model.errors import Diagnostic, Location
from reconciler.model.values import AudioInfo
from tests.support.mp3 import mp3_frame, write_vbr_mp3, xing_frame
from tests.support.wav import write_wav

AT = Location("voices/anna.yaml", 6, 5)


def _inspect(path: Path, name: str | None = None) -> AudioInfo | str:
    found = inspect_audio(path, name or f"voices/audio/{path.name}", AT)
    return str(found) if isinstance(found, Diagnostic) else found


def test_wav_facts(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, 2.5, rate=8000, width=2)
    info = _inspect(path)
    assert info == AudioInfo(
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),  # type: ignore[arg-type]
        bytes=path.stat().st_size,
        container="wav",
        duration_s=2.5,
        sample_rate=8000,
        channels=1,
    )


def test_truncated_wav_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.wav"
    write_wav(path, 10.0)
    path.write_bytes(path.read_bytes()[: 44 + 8000])
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/cut.wav is truncated: its header announces "
        "10.0 s, only 1.0 s is present\n  hint: the file is cut short: re-export or copy it again"
    )


def test_wav_without_data_chunk_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(b"RIFF\x04\x00\x00\x00WAVE")
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/bad.wav is not a readable WAV file "
        "(no data chunk)\n  hint: the file is cut short: re-export or copy it again"
    )


def test_vbr_mp3_without_xing_gets_its_true_duration(tmp_path: Path) -> None:
    path = write_vbr_mp3(tmp_path / "vbr.mp3", 1000)
    info = _inspect(path)
    assert isinstance(info, AudioInfo)
    assert info.duration_s == round(1000 * 1152 / 44100, 6) == 26.122449
    assert (info.container, info.sample_rate, info.channels) == ("mp3", 44100, 1)
    guess = mutagen.File(path).info.length  # a header-only reader is far off
    assert abs(guess - info.duration_s) > 5


def test_mp3_with_xing_count_larger_than_its_frames_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.mp3"
    path.write_bytes(xing_frame(2000) + b"".join(mp3_frame(9) for _ in range(100)))
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/cut.mp3 is truncated: its Xing header "
        "announces 2000 frames, only 100 are present\n"
        "  hint: the file is cut short: re-export or copy it again"
    )


def test_mp3_with_matching_xing_count_is_fine(tmp_path: Path) -> None:
    data = xing_frame(100) + b"".join(mp3_frame(9) for _ in range(100))
    result = walk(data)
    assert result is not None
    assert (result.frames, result.header_frames, result.complete) == (100, 100, True)


def test_mp3_with_a_cut_last_frame_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "tail.mp3"
    path.write_bytes(b"".join(mp3_frame(9) for _ in range(50))[:-100])
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/tail.mp3 is truncated: the last MPEG frame "
        "is cut off\n  hint: the file is cut short: re-export or copy it again"
    )


def test_m4a_named_mp3_is_an_extension_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "take.mp3"
    path.write_bytes(b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + bytes(64))
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/take.mp3 contains M4A audio but its name ends "
        "in .mp3\n  hint: rename it to take.m4a: AudioStack picks the format from the file name"
    )


def test_wav_named_flac_is_an_extension_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "take.flac"
    write_wav(path, 2.0)
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/take.flac contains WAV audio but its name "
        "ends in .flac\n"
        "  hint: rename it to take.wav: AudioStack picks the format from the file name"
    )


def test_webm_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "take.webm"
    path.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(100))
    assert _inspect(path) == (
        "voices/anna.yaml:6:5: error: voices/audio/take.webm is WebM/Matroska audio, which "
        "AudioStack does not accept\n  hint: convert it to WAV, MP3, FLAC, OGG or M4A"
    )


def test_empty_and_non_audio_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("hello, I am not audio\n")
    assert _inspect(empty) == (
        "voices/anna.yaml:6:5: error: voices/audio/empty.wav is empty\n"
        "  hint: re-export the recording"
    )
    assert _inspect(text) == (
        "voices/anna.yaml:6:5: error: voices/audio/notes.wav is not an audio file "
        "(expected WAV, MP3, FLAC, OGG or M4A)\n"
        "  hint: convert it to WAV, MP3, FLAC, OGG or M4A"
    )


def test_corrupt_flac_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.flac"
    path.write_bytes(b"fLaC" + bytes(10))
    found = _inspect(path)
    assert isinstance(found, str)
    assert found.startswith(
        "voices/anna.yaml:6:5: error: voices/audio/bad.flac is not a readable FLAC file"
    )


def test_audio_cache_round_trip_and_invalidation(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, 2.0)
    info = _inspect(path)
    assert isinstance(info, AudioInfo)
    stat = path.stat()
    cache = AudioCache(tmp_path / ".voicectl")
    cache.put(path, stat.st_size, stat.st_mtime_ns, info)
    cache.save()
    again = AudioCache(tmp_path / ".voicectl")
    assert again.get(path, stat.st_size, stat.st_mtime_ns) == info
    assert again.get(path, stat.st_size + 1, stat.st_mtime_ns) is None
    (tmp_path / ".voicectl" / "audio-cache.json").write_text("{not json")
    assert AudioCache(tmp_path / ".voicectl").get(path, stat.st_size, stat.st_mtime_ns) is None
