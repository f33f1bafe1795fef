"""Read declarations as they are at a Git ref, without touching the work tree (`--base`),
and list the declarations changed against it (`--changed`). `base_tree` gives the base
declarations their audio as it was at the ref (a PR may delete or change it).

Every path is relative to the project root, which may be a subfolder of the Git work tree
(`git -C root`, `--relative`, `<commit>:./path`)."""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from reconciler.model.errors import ConfigError

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
    try:
        found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ConfigError:
        raise ConfigError(f"unknown git ref {ref!r} (not fetched?)") from None
    return found.decode().strip()


def head_commit(root: Path) -> str | None:
    try:
        return _git(root, "rev-parse", "HEAD").decode().strip()
    except ConfigError:
        return None


_REPOSITORY = re.compile(r"[:/](?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def origin_repository(root: Path) -> str | None:
    """`owner/name` of the `origin` remote (https://github.com/acme/voices.git,
    git@github.com:acme/voices.git → acme/voices): what GITHUB_REPOSITORY says in CI, so
    a local run stamps the voices it creates as CI does. None without git or `origin`."""
    try:
        url = _git(root, "config", "--get", "remote.origin.url").decode("utf-8", "replace")
    except ConfigError:
        return None
    found = _REPOSITORY.search(url.strip())
    return found["repo"] if found else None


def read_tree(root: Path, ref: str, folder: str) -> dict[str, bytes]:
    """{repo-relative path: bytes} of every YAML file under `folder` at `ref`."""
    commit = resolve_ref(root, ref)
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", folder)
    paths = [p for p in listing.decode("utf-8").split("\0") if p.endswith(YAML_SUFFIXES)]
    texts: dict[str, bytes] = {}
    for path in paths:
        if any(part.startswith(".") for part in path.split("/")):
            continue
        texts[path] = _git(root, "show", f"{commit}:./{path}")  # ./: relative to root
    return texts


def read_file_at(root: Path, ref: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to root) at `ref`, None when it is not a file there."""
    commit = resolve_ref(root, ref)
    listing = _git(root, "ls-tree", "-z", commit, "--", path).decode("utf-8", "replace")
    meta = listing.split("\t", 1)[0].split()
    if len(meta) != 3 or meta[1] != "blob":
        return None
    return _git(root, "show", f"{commit}:./{path}")


def changed_paths(root: Path, ref: str, folder: str) -> set[str]:
    """Declarations added, modified or deleted in the work tree against `ref`."""
    commit = resolve_ref(root, ref)
    out = _git(root, "diff", "-z", "--name-only", "--relative", commit, "--", folder)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", folder)
    names = out.decode("utf-8").split("\0") + untracked.decode("utf-8").split("\0")
    return {n for n in names if n.endswith(YAML_SUFFIXES)}


def _blob_listing(root: Path, commit: str, prefixes: list[str]) -> list[tuple[str, str]]:
    """(path, mode) of every regular file under `prefixes` at `commit`."""
    out = _git(root, "ls-tree", "-r", "-z", commit, "--", *prefixes)
    found = []
    for entry in out.decode("utf-8").split("\0"):
        meta, _, path = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob" and fields[0] in ("100644", "100755"):
            found.append((path, fields[0]))
    return found


def _reference_dirs(texts: Mapping[str, bytes], voices_dir: str) -> list[str]:
    """The folders the declarations' `files:`/`consent:` point into (glob-free prefixes)."""
    from reconciler.declarations.yamlsrc import LocatedDoc, parse_yaml

    dirs = {voices_dir}
    for rel, data in texts.items():
        doc = parse_yaml(data, rel)
        if not isinstance(doc, LocatedDoc) or not isinstance(doc.data, dict):
            continue
        files = doc.data.get("files")
        refs = [*(files if isinstance(files, list) else ()), doc.data.get("consent")]
        for ref in refs:
            if not isinstance(ref, str) or not ref:
                continue
            fixed = re.split(r"[*?\[]", ref, maxsplit=1)[0]
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(rel), fixed))
            folder = folder if fixed.endswith("/") else posixpath.dirname(folder)
            if folder and not folder.startswith(("..", "/")):
                dirs.add(folder)
    ordered = sorted(dirs, key=len)
    return [d for i, d in enumerate(ordered) if not any(_under(d, o) for o in ordered[:i])]


def _under(path: str, folder: str) -> bool:
    return folder in ("", ".") or path == folder or path.startswith(folder + "/")


def _worktree_changes(root: Path, commit: str) -> set[str]:
    """Paths that differ between `commit` and the work tree, untracked files included."""
    diff = _git(root, "diff", "-z", "--name-only", "--relative", "--no-renames", commit)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    return {n for n in (diff + b"\0" + untracked).decode("utf-8").split("\0") if n}


@contextmanager
def base_tree(root: Path, ref: str, texts: Mapping[str, bytes], voices_dir: str) -> Iterator[Path]:
    """A root where the declarations at `ref` see their files as they were at `ref`.

    When nothing besides the declarations differs from `ref` that is the work tree itself.
    Otherwise (a PR that deleted or changed audio) a temporary copy under .voicectl/: files
    unchanged since `ref` are hard-linked from the work tree, the others come from git.
    """
    commit = resolve_ref(root, ref)
    prefixes = _reference_dirs(texts, voices_dir)
    changed = {
        p
        for p in _worktree_changes(root, commit)
        if any(_under(p, d) for d in prefixes) and not p.endswith(YAML_SUFFIXES)
    }
    if not changed:
        yield root
        return
    work = root / ".voicectl"
    work.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="base-", dir=work) as temp:
        dest = Path(temp)
        from_git = []
        for path, _ in _blob_listing(root, commit, prefixes):
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if path in changed or not (root / path).is_file():
                from_git.append(path)
                continue
            try:
                os.link(root / path, target)
            except OSError:
                shutil.copyfile(root / path, target)
        _extract(root, commit, from_git, dest)
        yield dest


def _extract(root: Path, commit: str, paths: list[str], dest: Path) -> None:
    """Write `paths` as they are at `commit` under `dest` (one `git archive`)."""
    if not paths:
        return
    data = _git(root, "archive", "--format=tar", commit, "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        if hasattr(tarfile, "data_filter"):  # Python ≥ 3.11.4: refuse odd members
            archive.extractall(dest, filter="data")
        else:  # pragma: no cover - git archive of blobs holds plain files only
            archive.extractall(dest)  # noqa: S202
