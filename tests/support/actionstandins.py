"""Stand-ins the simulated runner (actionrunner.py) uses for GitHub's own parts: the
checkout, setup-python and artifact actions, and the expansion of `strategy.matrix`.

Artifacts are folders under one directory, stored flat as the real actions store them;
`download-artifact` takes a `name`, or a `pattern` (with `merge-multiple: true` every match
lands in the workspace). A matrix is its key lists crossed, or its `include` entries, each
value list possibly a `${{ fromJSON(…) }}` expression.
"""

from __future__ import annotations

import fnmatch
import itertools
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

Evaluate = Callable[[Any], Any]  # a matrix value (maybe a `${{ }}` string) → its value


def run_standin(uses: str, with_: dict[str, str], workspace: Path, artifacts: Path) -> bool:
    """Carry out one `uses:` step of GitHub's own actions; False: the step failed."""
    action = uses.split("@", 1)[0]
    if action == "actions/checkout":
        subprocess.run(["git", "reset", "-q", "--hard"], cwd=workspace, check=True)
        subprocess.run(["git", "clean", "-qfdx"], cwd=workspace, check=True)
    elif action == "actions/upload-artifact":
        return _upload(with_, workspace, artifacts)
    elif action == "actions/download-artifact":
        return _download(with_, workspace, artifacts)
    elif action != "actions/setup-python":
        raise AssertionError(f"the simulated runner does not know {uses}")
    return True


def _upload(with_: dict[str, str], workspace: Path, artifacts: Path) -> bool:
    """One glob per line of `path`, top-level files only."""
    patterns = [line.strip() for line in with_["path"].splitlines() if line.strip()]
    sources = sorted({p for pattern in patterns for p in workspace.glob(pattern) if p.is_file()})
    if not sources:
        return with_.get("if-no-files-found") != "error"
    target = artifacts / with_["name"]
    target.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copy2(source, target / source.name)
    return True


def _download(with_: dict[str, str], workspace: Path, artifacts: Path) -> bool:
    if with_.get("name"):
        source = artifacts / with_["name"]
        if not source.is_dir():
            return False
        folders = [source]
    else:
        pattern = with_.get("pattern") or "*"
        found = sorted(artifacts.iterdir()) if artifacts.is_dir() else []
        folders = [f for f in found if fnmatch.fnmatchcase(f.name, pattern)]
        if with_.get("merge-multiple") != "true":
            raise AssertionError("the simulated runner merges pattern downloads only")
    for folder in folders:
        for item in folder.iterdir():
            shutil.copy2(item, workspace / item.name)
    return True


def expand_matrix(strategy: dict[str, Any] | None, evaluate: Evaluate) -> list[dict[str, Any]]:
    """The combinations of `strategy.matrix`; [{}] without one."""
    matrix = (strategy or {}).get("matrix")
    if matrix is None:
        return [{}]
    include = evaluate(matrix.get("include", []))
    keys = {k: evaluate(v) for k, v in matrix.items() if k not in ("include", "exclude")}
    for key, values in keys.items():
        if not isinstance(values, list) or not values:
            raise AssertionError(f"matrix {key} has no values: GitHub fails the run")
    combos = [dict(zip(keys, values, strict=True)) for values in itertools.product(*keys.values())]
    if keys:
        return combos + [dict(x) for x in include]
    if not include:
        raise AssertionError("the matrix has no combination: GitHub fails the run")
    return [dict(x) for x in include]
