"""What `voicectl init` writes: the files of a new voices repository, as (path, bytes).

The templates are voicectl's own files, so a scaffold is always what this version ships
and tests: the example voice and its two recordings (voices/anna-en-instant.yaml), the
three workflows of .github/workflows/ (their `uses: ./` becomes the action reference of
the voicectl repository) and the schemas. Inside the wheel they live under
reconciler/templates/ (pyproject force-include), in a checkout at their own paths.

The editor modeline of each declaration points at the copy in the new repository's
`schemas/`, which init writes, so it works offline and without voicectl installed;
`voicectl schema voice > schemas/voice.schema.json` refreshes it after an upgrade.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from reconciler.declarations.schemacheck import schema_text

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLE = "voices/anna-en-instant.yaml"
RECORDINGS = ("voices/audio/anna/take-01.wav", "voices/audio/anna/take-02.mp3")
WORKFLOWS = ("voices-plan.yml", "voices-apply.yml", "voices-drift.yml")
ACTION_REF = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}$")
_LOCAL_USES = re.compile(r"^(\s*(?:-\s+)?uses:\s*)\./\s*$", re.MULTILINE)
_ALIAS_CHARS = re.compile(r"[^a-z0-9]+")
HOOK_FILES = r"(?i)\.(ya?ml|wav|wave|mp3|flac|ogg|oga|opus|m4a|webm|aiff|rf64|caf)$"


@dataclass(frozen=True, slots=True)
class ScaffoldFile:
    path: str  # relative to the new repository, with forward slashes
    data: bytes


@dataclass(frozen=True, slots=True)
class ScaffoldOptions:
    owner: str  # `owner:` of voicectl.yaml
    action: str | None  # `owner/voicectl@<40 hex>`: the workflows' and the hook's source


def template(rel: str) -> bytes:
    """A shipped file by its checkout path: from the wheel's templates/, else the checkout."""
    packaged = resources.files("reconciler") / "templates" / rel.removeprefix(".github/")
    if packaged.is_file():
        return packaged.read_bytes()
    return (CHECKOUT / rel).read_bytes()


def example_alias(owner: str) -> str:
    """`<repository name>-example-en`: aliases are global, so not a fixed name everyone
    would share (and find taken on the real API)."""
    stem = _ALIAS_CHARS.sub("-", owner.rsplit("/", 1)[-1].lower()).strip("-")[:40] or "voices"
    return f"{stem}-example-en"


def installed_action() -> str | None:
    """`owner/name@commit` when this voicectl was installed from a GitHub clone or URL
    (PEP 610 direct_url.json with vcs_info); None otherwise."""
    try:
        text = metadata.distribution("voicectl").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    return action_from_direct_url(text or "")


def action_from_direct_url(text: str) -> str | None:
    """The action reference a PEP 610 direct_url.json names, if a GitHub repository at a
    full commit."""
    try:
        info = json.loads(text or "{}")
    except ValueError:
        return None
    if not isinstance(info, dict):
        return None
    vcs = info.get("vcs_info")
    commit = str(vcs.get("commit_id", "")) if isinstance(vcs, dict) else ""
    found = re.search(r"github\.com[:/]([^/]+/[^/]+?)(?:\.git)?/?$", str(info.get("url", "")))
    ref = f"{found[1]}@{commit}" if found and commit else None
    return ref if ref and ACTION_REF.fullmatch(ref) else None


def _project(owner: str) -> bytes:
    return (
        "# yaml-language-server: $schema=schemas/project.schema.json\n"
        '# voicectl settings: README.md of voicectl, section "Declaring a voice".\n'
        f"owner: {owner}   # stamped on every voice this repository creates\n"
        "voices_dir: voices\n"
        "remote_folder: voicectl    # Files API folder holding the uploads\n"
        "max_credits: 3000          # budget of one plan or apply\n"
    ).encode()


def _example(alias: str) -> bytes:
    text = template(EXAMPLE).decode("utf-8")
    text = text.replace("alias: anna-en-instant", f"alias: {alias}")
    return text.replace("audio/anna/", "audio/example/").encode()


def _workflow(name: str, action: str) -> bytes:
    text = template(f".github/workflows/{name}").decode("utf-8")
    return _LOCAL_USES.sub(lambda m: f"{m[1]}{action}", text).encode()


def _pre_commit(action: str | None) -> bytes:
    if action is not None:
        repo, rev = action.split("@", 1)
        return (
            "repos:\n"
            f"  - repo: https://github.com/{repo}\n"
            f"    rev: {rev}\n"
            "    hooks:\n"
            "      - id: voicectl-validate\n"
        ).encode()
    return (  # no voicectl repository known: the voicectl on PATH, same trigger and check
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: voicectl-validate\n"
        "        name: voicectl validate\n"
        "        entry: voicectl validate\n"
        "        language: system\n"
        f"        files: '{HOOK_FILES}'\n"
        "        pass_filenames: false\n"
        "        require_serial: true\n"
    ).encode()


def scaffold(options: ScaffoldOptions) -> list[ScaffoldFile]:
    """Every file of a new voices repository, in the order init reports them. Without an
    action reference the workflows are left out (they would name no action)."""
    alias = example_alias(options.owner)
    files = [
        ScaffoldFile("voicectl.yaml", _project(options.owner)),
        ScaffoldFile(f"voices/{alias}.yaml", _example(alias)),
        *(
            ScaffoldFile(f"voices/audio/example/{Path(rel).name}", template(rel))
            for rel in RECORDINGS
        ),
        *(
            ScaffoldFile(f"schemas/{kind}.schema.json", schema_text(kind).encode())
            for kind in ("voice", "project")
        ),
        ScaffoldFile(".pre-commit-config.yaml", _pre_commit(options.action)),
    ]
    if options.action is not None:
        files += [
            ScaffoldFile(f".github/workflows/{name}", _workflow(name, options.action))
            for name in WORKFLOWS
        ]
    return files
