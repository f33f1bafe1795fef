"""Fuzz the files a pull request controls (issue 12, item 8): voice declarations,
voicectl.yaml, file references and audio headers, through the real CLI (`validate`, and
`plan` against the embedded emulator). For every input: no internal error, no hang (each
run is bounded by an alarm), no file opened outside the repository (an audit hook sees
every open), no secret or outside content in the output, and every error located as
`file:line:col` with line ≥ 1. The figures are printed (run with -s) and kept in
docs/reliability.md."""

from __future__ import annotations

import io
import os
import re
import signal
import struct
import sys
import wave
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli.main import main

EXAMPLES = 300
PLAN_EVERY = 10  # one input in 10 also goes through `plan` (embedded emulator)
BOUND_S = 10.0  # one run longer than this is a hang
KEY = "sk-FUZZ-CANARY-0123456789abcdef"
OUTSIDE_CANARY = "OUTSIDE-CANARY-7f3a"
LOCATED = re.compile(r"^[^\s:][^:]*:[1-9]\d*:[1-9]\d*: (error|warning): \S")
SUMMARY = re.compile(r"^(\d+ errors?, \d+ warnings?|✓ \d+ voices? valid \(\d+ warnings?\))$")


class Hang(Exception):
    pass


class World:
    """One repository reused for every input, an outside folder with canaries, and the
    audit hook's record of opens outside the repository."""

    def __init__(self, base: Path) -> None:
        self.root = (base / "repo").resolve()
        self.outside = (base / "outside").resolve()
        self.outside.mkdir()
        (self.outside / "secret.yaml").write_text(f"alias: {OUTSIDE_CANARY}\n")
        (self.outside / "secret.wav").write_bytes(_wav(2.0) + OUTSIDE_CANARY.encode())
        self.outside_opens: list[str] = []
        self.unlocated: list[str] = []
        self.watching = False
        self.figures: Counter[str] = Counter()
        sys.addaudithook(self._audit)

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.watching or event != "open" or not isinstance(args[0], (str, Path)):
            return
        real = os.path.realpath(args[0])
        if real.startswith((str(self.outside), "/dev/", "/etc/", "/proc/")):
            self.outside_opens.append(real)

    def reset(self) -> None:
        if self.root.exists():
            for current, dirs, names in os.walk(self.root, topdown=False):
                for name in names:
                    os.unlink(os.path.join(current, name))
                for name in dirs:
                    path = os.path.join(current, name)
                    os.unlink(path) if os.path.islink(path) else os.rmdir(path)
        (self.root / ".git").mkdir(parents=True, exist_ok=True)
        (self.root / "voices/audio").mkdir(parents=True)
        # fixed hostile furniture every input may point at
        (self.root / "voices/audio/out.wav").symlink_to(self.outside / "secret.wav")
        (self.root / "voices/audio/outdir").symlink_to(self.outside)
        (self.root / "voices/audio/zero.wav").symlink_to("/dev/zero")
        os.mkfifo(self.root / "voices/audio/fifo.wav")
        (self.root / "voices/audio/ok.wav").write_bytes(_wav(2.0))


def _wav(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(bytes(int(seconds * rate)))
    return buffer.getvalue()


# --- strategies ------------------------------------------------------------------------

SEGMENTS = st.sampled_from(
    ["audio", "..", ".", "**", "*", "*.wav", "ok.wav", "out.wav", "outdir", "zero.wav",
     "fifo.wav", "x.flac", "a\x07b.wav", "[a-", "?", "secret.wav", "~", ""]
)  # fmt: skip
PATHS = st.one_of(
    st.lists(SEGMENTS, min_size=1, max_size=8).map("/".join),
    st.sampled_from(["/etc/passwd", "/dev/stdin", "C:\\x.wav", "https://x.invalid/a.wav"]),
    st.just("/".join(["**", "a*"] * 12) + "/b"),  # exponential for a backtracking matcher
    st.text(max_size=30),
)
HUGE_MARK = "HUGE_INTEGER_MARK"
HUGE = st.just(HUGE_MARK)  # becomes 5,000 digits in the YAML text (hypothesis cannot shrink it)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), HUGE, st.floats(), st.text(max_size=40)
)
FILE_ITEMS = st.one_of(
    PATHS,
    st.fixed_dictionaries({"file_id": st.one_of(st.uuids().map(str), st.text(max_size=40))}),
    SCALARS,
)
VOICES = st.fixed_dictionaries(
    {
        "version": st.one_of(st.just(1), SCALARS),
        "alias": st.one_of(st.from_regex(r"[a-z][a-z0-9-]{2,20}", fullmatch=True), SCALARS),
        "engine": st.sampled_from(["voice_engine_2", "voice_engine_3", "voice_engine_9"]),
        "language": st.sampled_from(["en-GB", "de", "", "x" * 300]),
        "files": st.one_of(st.lists(FILE_ITEMS, max_size=6), SCALARS),
    },
    optional={
        "consent": PATHS,
        "metadata": st.dictionaries(st.text(max_size=10), SCALARS, max_size=5),
        "targets": st.lists(st.text(max_size=10), max_size=3),
        "replaces": st.text(max_size=20),
    },
)
TARGETS = st.dictionaries(
    st.text(min_size=1, max_size=10),
    st.fixed_dictionaries(
        {},
        optional={
            "api_url": st.sampled_from(
                ["https://evil.invalid", "http://127.0.0.1:1", "https://v2.api.audio", "emulator"]
            ),
            "api_key_env": st.sampled_from(["GITHUB_TOKEN", "AUDIOSTACK_X", "HOME", "1x"]),
            "max_credits": st.one_of(st.integers(), HUGE),
        },
    ),
    max_size=3,
)
PROJECTS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "owner": st.text(max_size=20),
            "voices_dir": st.sampled_from(["voices", "..", "/", "voices/audio/outdir", "nope"]),
            "max_credits": st.one_of(st.integers(), HUGE),
            "targets": TARGETS,
        },
    ),
)


@st.composite
def audio_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["wav", "flac", "mp3", "junk"]))
    if kind == "wav":
        rate = draw(st.one_of(st.sampled_from([1, 8000, 44100]), st.integers(0, 2**32 - 1)))
        fmt = struct.pack(
            "<HHIIHH",
            draw(st.integers(0, 65535)),
            draw(st.integers(0, 4)),
            rate,
            draw(st.integers(0, 2**32 - 1)),
            draw(st.integers(0, 8)),
            draw(st.sampled_from([8, 16, 0])),
        )
        size = draw(st.integers(0, 2**32 - 1))
        data = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0" + fmt + b"data" + struct.pack("<I", size)
        data += bytes(draw(st.integers(0, 3000)))
    elif kind == "flac":
        block = draw(st.binary(min_size=0, max_size=40))
        data = b"fLaC\x80\x00\x00\x22" + block
    elif kind == "mp3":
        data = b"\xff\xfb" + draw(st.binary(max_size=600))
    else:
        data = draw(st.binary(max_size=200))
    cut = draw(st.integers(0, len(data)))
    return kind if kind != "junk" else "wav", data[: max(cut, 1)]


def _dump(value: Any) -> str:
    try:
        text = yaml.safe_dump(value, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        text = repr(value)
    return text.replace(HUGE_MARK, "9" * 5000)


DOCUMENTS = st.one_of(
    VOICES.map(_dump),
    st.text(max_size=300),  # raw text: syntax errors, tabs, control characters
    VOICES.map(lambda v: _dump(v) + "alias: duplicate\n"),
)


# --- the checks --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = World(tmp_path_factory.mktemp("fuzz"))
    yield made
    made.watching = False
    figures = made.figures
    print(
        f"\nfuzz: {figures['inputs']} inputs, {figures['runs']} runs "
        f"({figures['plans']} plans), {figures['internal']} internal errors, "
        f"{figures['hangs']} hangs, {len(made.outside_opens)} outside reads, "
        f"{figures['leaks']} leaks, {figures['unlocated']} unlocated errors"
    )


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def _run(world: World, *argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"NO_COLOR": "1", "VOICECTL_EMULATOR_CLOCK": "immediate"}
    if argv[0] == "plan":
        env["AUDIOSTACK_FUZZ_KEY"] = KEY  # a secret in the environment that must never show
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, BOUND_S)
    world.watching = True
    try:
        code = main(list(argv), environ=env, stdout=out, stderr=err, cwd=world.root)
    except Hang:
        world.figures["hangs"] += 1
        code = -1
    finally:
        world.watching = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    world.figures["runs"] += 1
    return code, out.getvalue() + err.getvalue()


def _check(world: World, code: int, text: str) -> None:
    if "internal error" in text or "Traceback" in text:
        world.figures["internal"] += 1
    if KEY in text or OUTSIDE_CANARY in text:
        world.figures["leaks"] += 1
    for line in text.splitlines():
        located = LOCATED.match(line) or line.startswith(("  hint:", "error: "))
        if "error:" in line and not located:
            world.figures["unlocated"] += 1
            world.unlocated.append(line)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    documents=st.lists(DOCUMENTS, min_size=1, max_size=3),
    project=PROJECTS,
    audio=st.lists(audio_bytes(), max_size=3),
)
def test_hostile_inputs_never_crash_hang_leak_or_read_outside(
    world: World, documents: list[str], project: Any, audio: list[tuple[str, bytes]]
) -> None:
    world.reset()
    for n, document in enumerate(documents):
        (world.root / f"voices/v{n}.yaml").write_text(document, encoding="utf-8", errors="replace")
    for n, (extension, data) in enumerate(audio):
        (world.root / f"voices/audio/f{n}.{extension}").write_bytes(data)
    if project is not None:
        (world.root / "voicectl.yaml").write_text(_dump(project), encoding="utf-8")
    world.figures["inputs"] += 1
    code, text = _run(world, "validate")
    _check(world, code, text)
    if world.figures["inputs"] % PLAN_EVERY == 0:
        world.figures["plans"] += 1
        code, text = _run(world, "plan", "--api", "emulator")
        _check(world, code, text)
    figures = world.figures
    assert (figures["internal"], figures["hangs"], figures["leaks"]) == (0, 0, 0), (
        dict(figures),
        text,
    )
    assert world.unlocated == [], text
    assert world.outside_opens == [], (world.outside_opens, text)
