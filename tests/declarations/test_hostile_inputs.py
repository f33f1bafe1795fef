"""Files a pull request controls, tried as an attacker would (issue 12, items 2, 3, 6, 7):
no read outside the repository, no hang on a FIFO or a device, bounded walks, linear glob
matching, every error located with a hint, headers checked against the bytes, exact limits."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.declarations.paths import segments_match
from reconciler.safeopen import UnsafeFile, walk_files
from tests.support.clirig import CliRun, Repo
from tests.support.wav import write_wav_frames

Run = Callable[..., CliRun]
CHECKOUT = Path(__file__).resolve().parents[2]


def test_a_symlinked_voices_folder_outside_the_repository_is_refused(
    repo: Repo, run_cli: Run, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text("aws_secret_access_key: AKIA-OUTSIDE\n")
    (repo.root / "voices").rmdir()
    (repo.root / "voices").symlink_to(outside)
    outcome = run_cli("validate", cwd=repo.root)
    assert (outcome.code, outcome.err) == (
        1,
        "voices:1:1: error: folder voices points outside the repository through a symlink\n"
        "  hint: keep voices and audio inside the repository\n"
        "1 error, 0 warnings\n",
    )
    assert "AKIA" not in outcome.out + outcome.err


def test_a_symlinked_yaml_file_outside_the_repository_is_not_read(
    repo: Repo, run_cli: Run, tmp_path: Path
) -> None:
    (tmp_path / "outside.yaml").write_text("aws_secret_access_key: AKIA-OUTSIDE\n")
    (repo.root / "voices/leak.yaml").symlink_to(tmp_path / "outside.yaml")
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err == (
        "voices/leak.yaml:1:1: error: voices/leak.yaml points outside the repository "
        "through a symlink\n"
        "  hint: copy the file into the repository\n"
        "1 error, 0 warnings\n"
    )
    assert "AKIA" not in outcome.out + outcome.err


def test_a_symlinked_voicectl_yaml_outside_is_not_read(
    repo: Repo, run_cli: Run, tmp_path: Path
) -> None:
    (tmp_path / "outside.yaml").write_text("aws_secret_access_key: AKIA-OUTSIDE\n")
    (repo.root / "voicectl.yaml").symlink_to(tmp_path / "outside.yaml")
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.code == 1
    assert outcome.err.splitlines()[0] == (
        "voicectl.yaml:1:1: error: voicectl.yaml points outside the repository through a symlink"
    )
    assert "AKIA" not in outcome.out + outcome.err


def _validate_in_subprocess(root: Path) -> subprocess.CompletedProcess[str]:
    """validate with stdin an open pipe nobody writes to: a hang shows as a timeout."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(CHECKOUT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "validate"],
        check=False,
        cwd=root,
        env=env,
        stdin=subprocess.PIPE,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_yaml_fifo_or_dev_stdin_never_blocks(repo: Repo) -> None:
    os.mkfifo(repo.root / "voices/fifo.yaml")
    (repo.root / "voices/stdin.yaml").symlink_to("/dev/stdin")
    done = _validate_in_subprocess(repo.root)
    lines = done.stderr.splitlines()
    assert (
        lines[0] == "voices/fifo.yaml:1:1: error: voices/fifo.yaml is not a regular file (a FIFO)"
    )
    assert lines[1].startswith("voices/stdin.yaml:1:1: error: voices/stdin.yaml ")
    assert done.returncode == 1


def test_an_audio_fifo_is_refused_without_opening_it(repo: Repo, run_cli: Run) -> None:
    os.mkfifo(repo.root / "voices/take.wav")
    repo.write_voice("a", "anna", ["take.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err.splitlines()[0] == (
        "voices/a.yaml:6:5: error: 'voices/take.wav' is not a regular file (a FIFO)"
    )


def test_walks_stop_at_their_entry_limit(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "voices").mkdir()
    for n in range(30):
        (root / "voices" / f"{n}.yaml").write_text("")
    assert len(list(walk_files(root, "voices", limit=30))) == 30
    with pytest.raises(UnsafeFile) as caught:
        list(walk_files(root, "voices", limit=29))
    assert caught.value.message == "folder voices holds more than 29 entries"


def test_glob_matching_is_linear_in_the_number_of_double_stars() -> None:
    patterns = ["**", "a*"] * 40 + ["b"]
    names = ["a"] * 60 + ["c"]
    started = time.perf_counter()
    assert not segments_match(names, patterns)
    assert segments_match(["a"] * 40 + ["b"], patterns)
    assert time.perf_counter() - started < 1.0


def test_control_characters_in_globbed_and_yaml_file_names(repo: Repo, run_cli: Run) -> None:
    repo.wav("voices/take\x07.wav")
    repo.write_voice("a", "anna", ["'*.wav'"])
    repo.write("voices/bad\x1b[31m.yaml", "version: 1\n")
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err == (
        "voices/a.yaml:6:5: error: file name contains control characters: "
        "'voices/take\\\\x07.wav'\n"
        "  hint: rename the file\n"
        "voices/bad\\x1b[31m.yaml:1:1: error: file name contains control characters: "
        "'voices/bad\\\\x1b[31m.yaml'\n"
        "  hint: rename the file\n"
        "2 errors, 0 warnings\n"
    )


def test_a_huge_integer_is_a_located_error_and_other_errors_still_show(
    repo: Repo, run_cli: Run
) -> None:
    repo.write("voices/a.yaml", "version: " + "9" * 5000 + "\n")
    repo.write_voice("b", "bob", ["missing.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err == (
        "voices/a.yaml:1:10: error: number has 5,000 digits; numbers here have at most 4,300\n"
        "  hint: use a smaller number\n"
        "voices/b.yaml:6:5: error: file not found: voices/missing.wav\n"
        "  hint: paths are relative to the YAML file; check the spelling and the folder\n"
        "2 errors, 0 warnings\n"
    )


def test_a_wav_cut_inside_its_fmt_chunk_is_a_located_error(repo: Repo, run_cli: Run) -> None:
    repo.write("voices/cut.wav", b"RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00")
    repo.write_voice("a", "anna", ["cut.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err == (
        "voices/a.yaml:6:5: error: voices/cut.wav is truncated inside its fmt chunk "
        "(2 of 16 bytes present)\n"
        "  hint: the file is cut short: re-export or copy it again\n"
        "1 error, 0 warnings\n"
    )


def test_an_oversize_audio_file_is_refused_by_its_size_before_any_read(
    repo: Repo, run_cli: Run
) -> None:
    with (repo.root / "voices/huge.wav").open("wb") as handle:
        handle.truncate(600_000_000)  # sparse: nothing to read, only its size
    repo.write_voice("a", "anna", ["huge.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err.splitlines()[:2] == [
        "voices/a.yaml:6:5: error: voices/huge.wav is larger than the per-file limit of 500 MB "
        "(600,000,000 bytes)",
        "  hint: split the recording into shorter files",
    ]


def test_duplicate_keys_and_schema_errors_do_not_hide_the_file_errors(
    repo: Repo, run_cli: Run
) -> None:
    repo.write(
        "voices/a.yaml",
        "version: 1\nalias: anna\nalias: anna2\nengine: voice_engine_9\nlanguage: en\n"
        "files: [one.wav, two.wav]\n",
    )
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err == (
        "voices/a.yaml:3:1: error: duplicate key 'alias' (first defined on line 2)\n"
        "  hint: remove one of them\n"
        "voices/a.yaml:4:9: error: unknown engine 'voice_engine_9' "
        "(expected voice_engine_2, voice_engine_3)\n"
        "voices/a.yaml:6:9: error: file not found: voices/one.wav\n"
        "  hint: paths are relative to the YAML file; check the spelling and the folder\n"
        "voices/a.yaml:6:18: error: file not found: voices/two.wav\n"
        "  hint: paths are relative to the YAML file; check the spelling and the folder\n"
        "4 errors, 0 warnings\n"
    )


def _flac(seconds: int, rate: int = 44100) -> bytes:
    """fLaC + one STREAMINFO block (34 bytes) claiming `seconds` of audio, no frames."""
    samples = seconds * rate
    packed = (rate << 44) | (0 << 41) | (15 << 36) | samples
    info = struct.pack(">HH", 4096, 4096) + b"\x00" * 6 + packed.to_bytes(8, "big") + b"\x00" * 16
    return b"fLaC" + b"\x80" + len(info).to_bytes(3, "big") + info


def test_a_header_claiming_hours_in_a_few_bytes_is_impossible(repo: Repo, run_cli: Run) -> None:
    repo.write("voices/liar.flac", _flac(3 * 3600))
    repo.write_voice("a", "anna", ["liar.flac"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err == (
        "voices/a.yaml:6:5: error: voices/liar.flac claims 3 h 0 min 0.0 s of audio in 42 bytes "
        "(0.0 bytes per second; real audio has at least 500)\n"
        "  hint: the header does not match the file: re-export the recording\n"
        "1 error, 0 warnings\n"
    )


def test_a_wav_declaring_one_hertz_is_impossible(repo: Repo, run_cli: Run) -> None:
    write_wav_frames(repo.root / "voices/slow.wav", 1300, rate=1)
    repo.write_voice("a", "anna", ["slow.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err.splitlines()[:2] == [
        "voices/a.yaml:6:5: error: voices/slow.wav declares a sample rate of 1 Hz, which no "
        "recording has (1,000 to 768,000 Hz expected)",
        "  hint: re-export the recording (e.g. 44,100 or 48,000 Hz)",
    ]


def test_a_file_of_1_499875_seconds_is_too_short_not_rounded_up(repo: Repo, run_cli: Run) -> None:
    write_wav_frames(repo.root / "voices/short.wav", 11_999, rate=8000)  # 1.499875 s
    repo.write_voice("a", "anna", ["short.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.err.splitlines()[2] == (
        "voices/a.yaml:6:5: error: voices/short.wav is 1.499875 s long; "
        "voice_engine_3 needs at least 1.5 s per file"
    )
