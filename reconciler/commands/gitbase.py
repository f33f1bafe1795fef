"""Read declarations as they are at a Git ref, without touching the work tree (`--base`),
and list the declarations changed against it (`--changed`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reconciler.errors import ConfigError

YAML_SUFFIXES = (".yaml", ".yml")


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"cannot run git: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(f"git {' '.join(args[:2])} failed: {message[-1] if message else ''}")
    return done.stdout


def resolve_ref(root: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise ConfigError(f"invalid git ref {ref!r}")
    return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()


def head_commit(root: Path) -> str | None:
    try:
        return _git(root, "rev-parse", "HEAD").decode().strip()
    except ConfigError:
        return None


def read_tree(root: Path, ref: str, folder: str) -> dict[str, bytes]:
    """{repo-relative path: bytes} of every YAML file under `folder` at `ref`."""
    commit = resolve_ref(root, ref)
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", folder)
    paths = [p for p in listing.decode("utf-8").split("\0") if p.endswith(YAML_SUFFIXES)]
    texts: dict[str, bytes] = {}
    for path in paths:
        if any(part.startswith(".") for part in path.split("/")):
            continue
        texts[path] = _git(root, "show", f"{commit}:{path}")
    return texts


def changed_paths(root: Path, ref: str, folder: str) -> set[str]:
    """Declarations added, modified or deleted in the work tree against `ref`."""
    commit = resolve_ref(root, ref)
    out = _git(root, "diff", "-z", "--name-only", commit, "--", folder)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", folder)
    names = out.decode("utf-8").split("\0") + untracked.decode("utf-8").split("\0")
    return {n for n in names if n.endswith(YAML_SUFFIXES)}
