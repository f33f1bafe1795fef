"""The one repository rig of the end-to-end tests: throw-away git repositories with
generated WAVs (`make_repo`, or `embedded_repo` for one voice on the embedded emulator), the
in-process CLI runner (`run_cli`, `Repo.run`) and a served emulator on 127.0.0.1 (`Emu`).

Fixtures are plain functions here and re-exported by each area's conftest.py (through
clifixtures.py). Nothing in this module talks to anything but the loopback emulator and `git`.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest

from reconciler.cli.main import main
from reconciler.emulator.core import Emulator
from reconciler.emulator.server import RunningServer, serve_in_thread
from tests.support.wav import write_wav

CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_KEY = "emulator"
DEFAULT_ORG = "org-default"
GIT_ID = ("-c", "user.name=voicectl tests", "-c", "user.email=tests@example.invalid")
IMMEDIATE = {"VOICECTL_EMULATOR_CLOCK": "immediate"}  # the embedded emulator, no waiting


@dataclass
class CliRun:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def __iter__(self) -> Iterator[int | str]:
        """A run unpacks as `code, out, err`."""
        return iter((self.code, self.out, self.err))


def run_cli(
    *argv: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
) -> CliRun:
    """`voicectl argv` in process, in `cwd`, with only PATH and `env` as its environment."""
    out, err = io.StringIO(), io.StringIO()
    environ = {"PATH": os.environ.get("PATH", ""), **(env or {})}
    code = main(
        list(argv),
        environ=environ,
        stdout=out,
        stderr=err,
        stdin=stdin or io.StringIO(""),
        cwd=cwd,
    )
    return CliRun(code, out.getvalue(), err.getvalue())


def voice_yaml(alias: str, *files: str, extra: str = "") -> str:
    """A voice_engine_3 en-GB declaration listing the file entries `files`, then `extra`."""
    listed = "".join(f"  - {f}\n" for f in files)
    return (
        f"version: 1\nalias: {alias}\nengine: voice_engine_3\nlanguage: en-GB\n"
        f"files:\n{listed}{extra}"
    )


class Emu:
    """The served emulator plus its admin API (reset per test)."""

    def __init__(self, server: RunningServer, emulator: Emulator) -> None:
        self.server = server
        self.emulator = emulator
        self.base_url = server.base_url
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    def admin(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        reply = self.http.request(method, f"/_emulator{path}", json=dict(body or {}))
        assert reply.status_code == 200, reply.text
        return reply.json()

    def reset(self) -> None:
        self.admin("POST", "/reset")

    def requests(self) -> list[dict[str, Any]]:
        return list(self.http.get("/_emulator/requests").json()["requests"])

    def clear_requests(self) -> None:
        self.http.delete("/_emulator/requests")

    def methods(self) -> set[str]:
        return {r["method"] for r in self.requests()}

    def state(self) -> dict[str, Any]:
        return dict(self.http.get("/_emulator/state").json())

    def clones(self, alias: str | None = None) -> list[dict[str, Any]]:
        return [c for c in self.state()["clones"] if alias is None or c["alias"] == alias]

    def register_key(self, key: str, org: str = DEFAULT_ORG, user: str = "user-default") -> None:
        self.admin("POST", "/keys", {"key": key, "org": org, "user": user})

    def set_credits(self, balance: int, org: str = DEFAULT_ORG) -> None:
        self.admin("POST", "/credits", {"org": org, "balance": balance})

    def fault(self, **rule: Any) -> str:
        return str(self.admin("POST", "/faults", rule)["id"])

    def clear_faults(self) -> None:
        self.http.delete("/_emulator/faults")

    def seed_clone(self, **record: Any) -> dict[str, Any]:
        return dict(self.admin("POST", "/clones", record)["record"])

    def env(self, key: str = DEFAULT_KEY, **extra: str) -> dict[str, str]:
        """Environment of a CLI run against this emulator with `key`."""
        return {"AUDIOSTACK_API_URL": self.base_url, "AUDIOSTACK_API_KEY": key, **extra}


def served_emulator_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emu]:
    folder = tmp_path_factory.mktemp("served-emulator")
    emulator = Emulator(folder / "emulator.sqlite3", clock_mode="immediate")
    server = serve_in_thread(emulator)
    emu = Emu(server, emulator)
    yield emu
    emu.http.close()
    server.close()
    emulator.close()


def emu_fixture(served_emulator: Emu) -> Iterator[Emu]:
    served_emulator.reset()
    yield served_emulator
    assert served_emulator.emulator.internal_errors == []


# the quality line plan prints under a rig voice (two 2 s files of write_wav)
RIG_QUALITY = "              quality: speech 4.0 of 4.0 s · −18.2 LUFS · peak −13.8 dBFS\n"


@dataclass
class Repo:
    """A throw-away git repository with voices/ and schemas/ (copied from the checkout)."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)  # default environment of `run`
    seed: int = 0

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def wav(self, rel: str, seconds: float = 2.0, *, rate: int = 8000, width: int = 1) -> str:
        """A distinct WAV at `rel`; returns its sha256."""
        self.seed += 1
        salt = zlib.crc32(self.root.name.encode()) % 100_000  # two repos: distinct audio
        data = write_wav(self.root / rel, seconds, salt * 1000 + self.seed, rate=rate, width=width)
        return hashlib.sha256(data).hexdigest()

    def write_voice(self, name: str, alias: str, files: Iterable[str], extra: str = "") -> Path:
        """voices/<name>.yaml: `voice_yaml` with the given file entries (no audio written)."""
        return self.write(f"voices/{name}.yaml", voice_yaml(alias, *files, extra=extra))

    def voice(
        self,
        alias: str,
        *,
        files: int = 2,
        engine: str = "voice_engine_3",
        language: str = "en-GB",
        metadata: Mapping[str, Any] | None = None,
        extra: str = "",
        name: str | None = None,
    ) -> Path:
        """voices/<name or alias>.yaml with `files` fresh WAVs under voices/audio/<alias>/."""
        for n in range(files):
            self.wav(f"voices/audio/{alias}/take-{n:02d}.wav")
        lines = [
            "# yaml-language-server: $schema=../schemas/voice.schema.json",
            "version: 1",
            f"alias: {alias}",
            f"engine: {engine}",
            f"language: {language}",
            "files:",
            f"  - audio/{alias}/*.wav",
        ]
        if metadata:
            lines += ["metadata:", *(f"  {k}: {v}" for k, v in metadata.items())]
        text = "\n".join(lines) + "\n" + extra
        return self.write(f"voices/{name or alias}.yaml", text)

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *GIT_ID, *args], cwd=self.root, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def run(
        self,
        *argv: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stdin: TextIO | None = None,
    ) -> CliRun:
        """`voicectl argv` in this repository with its `env` (plus `env`)."""
        return run_cli(*argv, cwd=cwd or self.root, env={**self.env, **(env or {})}, stdin=stdin)

    def files(self) -> list[Path]:
        """Every file under the repository except .git (what a leak check greps)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file() and ".git" not in p.parts)


def make_repo(root: Path, *, owner: str | None = None, config: str = "") -> Repo:
    root.mkdir(parents=True)
    shutil.copytree(CHECKOUT / "schemas", root / "schemas")
    (root / "voices").mkdir()
    (root / ".gitignore").write_text(".voicectl/\n", encoding="utf-8")
    text = (f"owner: {owner}\n" if owner else "") + config
    if text:
        (root / "voicectl.yaml").write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    return Repo(root.resolve())


def embedded_repo(root: Path) -> Repo:
    """A repository on the embedded emulator (state in <root>/.voicectl/) with one instant
    voice `alpha-en` of two WAVs (3 s and 4 s) listed in voices/alpha.yaml."""
    repo = make_repo(root)
    repo.env = dict(IMMEDIATE)
    write_wav(repo.root / "voices/audio/a1.wav", 3.0, seed=1)
    write_wav(repo.root / "voices/audio/a2.wav", 4.0, seed=2)
    repo.write("voices/alpha.yaml", voice_yaml("alpha-en", "audio/a1.wav", "audio/a2.wav"))
    return repo


def upload_declared(emu: Emu, repo: Repo, alias: str, key: str = DEFAULT_KEY) -> list[str]:
    """Upload the declared files of `alias` the way apply names them; returns the fileIds."""
    from reconciler.audiostack.client import AudioStackClient
    from reconciler.declarations.loading import load_declarations, load_project

    project = load_project(repo.root)
    voices = load_declarations(repo.root, project=project).voices
    decl = next(v for v in voices if v.alias == alias)
    folder_name = project.remote_folder
    with AudioStackClient(emu.base_url, key, key_is_secret=False) as client:
        folder = client.find_folder(folder_name) or client.create_folder(folder_name)
        ids = []
        for entry in decl.files:
            assert entry.path is not None and entry.audio is not None and entry.upload_name
            item = client.upload(
                folder, entry.upload_name, repo.root / entry.path, entry.audio.sha256
            )
            ids.append(str(item.file_id))
    return ids


def seed_outside(
    emu: Emu,
    repo: Repo,
    alias: str,
    *,
    metadata: Mapping[str, Any] | None = None,
    language: str | None = "en-GB",
    status: str = "succeeded",
    **record: Any,
) -> dict[str, Any]:
    """A clone made outside this repository (UI, another tool) from `repo`'s declared audio:
    the same files, `metadata` as given (no marker unless it has one)."""
    ids = upload_declared(emu, repo, alias)
    meta = dict(metadata or {})
    if language is not None:
        meta["languageCode"] = language
    return emu.seed_clone(alias=alias, status=status, filesUsed=ids, metadata=meta, **record)
