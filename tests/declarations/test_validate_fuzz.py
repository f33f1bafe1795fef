"""voicectl validate on mutated declarations: only ever diagnostics, never a crash; and
validate stays light."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from reconciler.declarations.loading import load_declarations_from_texts
from reconciler.model.errors import DeclarationError
from tests.support.clirig import CliRun, Repo
from tests.support.mp3 import write_vbr_mp3

REPO_ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., CliRun]


SEED_DOC = (REPO_ROOT / "voices" / "anna-en-instant.yaml").read_bytes()
NOISE = [
    b":",
    b"-",
    b"[",
    b"{",
    b"}",
    b"&a",
    b"*a",
    b"!!",
    b"\t",
    b"\x00",
    b"'",
    b'"',
    b"\n",
    b"  ",
    b"#",
    b"%",
    b"@",
    b"`",
    b"|",
    b">",
    b"\xff",
    b"\xef\xbb\xbf",
    b"? ",
    b"\r",
    b"!!python/object:os.system ",
    b"true",
    b"1.10",
    b"~",
    b"<<: ",
    b"\x1b[31m",
    b"\\",
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.35:
            data = data[:pos] + rng.choice(NOISE) + data[pos:]
        elif choice < 0.6:
            data = data[:pos] + data[pos + rng.randint(1, 12) :]
        elif choice < 0.75:
            lines = data.split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif choice < 0.9:
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            data = b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        else:
            data = data[:pos]
    return data


def test_fuzzed_declarations_never_crash(repo: Repo, run_cli: Run) -> None:
    repo.wav("voices/audio/anna/take-01.wav", 2.0)
    write_vbr_mp3(repo.root / "voices/audio/anna/take-02.mp3", 100)
    rng = random.Random(20261125)
    codes = set()
    for _ in range(400):
        repo.write("voices/anna.yaml", _mutate(rng, SEED_DOC))
        outcome = run_cli("validate", cwd=repo.root)
        assert outcome.code in (0, 1), outcome.err
        assert "Traceback" not in outcome.err and "internal error" not in outcome.err, outcome.err
        codes.add(outcome.code)
    assert codes == {0, 1}


def test_two_thousand_mutations_only_ever_give_diagnostics(repo: Repo) -> None:
    repo.wav("voices/audio/anna/take-01.wav", 2.0)
    write_vbr_mp3(repo.root / "voices/audio/anna/take-02.mp3", 100)
    rng = random.Random(7)
    for _ in range(2000):
        text = _mutate(rng, SEED_DOC)
        try:
            load_declarations_from_texts(repo.root, {"voices/anna.yaml": text})
        except DeclarationError as exc:
            assert exc.diagnostics


def test_validate_stays_light(repo: Repo) -> None:
    """No jsonschema for a valid voicectl.yaml and valid voices (issue 15 item 4)."""
    repo.write(
        "voicectl.yaml",
        "owner: acme/voices\nscope: [anna-*]\nquality: {checks: {peak: warning}}\n"
        "targets: {prod: {api_url: emulator}}\n",
    )
    repo.wav("voices/a.wav")
    repo.write_voice("a", "anna-en", ["a.wav"])
    probe = (
        "import io, sys\n"
        "from pathlib import Path\n"
        "from reconciler.cli.main import main\n"
        "code = main(['validate'], environ={}, stdout=io.StringIO(), stderr=io.StringIO(),"
        " cwd=Path(sys.argv[1]))\n"
        "heavy = {'httpx', 'deepdiff', 'jsonschema', 'rich.live'}\n"
        "print(code, sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(repo.root)], capture_output=True, text=True, check=True
    )
    assert done.stdout == "0 []\n"
