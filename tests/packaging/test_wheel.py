"""The wheel is the product users install (issue 2 item 1): build it, check the three JSON
Schemas ship inside it as reconciler/schemas/*.json, install it into a fresh venv and run
`voicectl validate` and `voicectl schema` from a directory outside the checkout.

The fresh venv gets the wheel only (`--no-deps`, no index); the runtime dependencies come
from the development venv's site-packages through a .pth path entry (no network here). That
path entry does not process the dev venv's own .pth files, so the editable install of the
checkout stays invisible to the new interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
Completed = subprocess.CompletedProcess[str]
SCHEMAS = ("plan.schema.json", "project.schema.json", "voice.schema.json")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    voicectl: Path
    site_packages: Path


def launch(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Completed:
    return subprocess.run(
        [str(a) for a in argv],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """stdout of a command that must succeed."""
    done = launch(*argv, cwd=cwd, env=env)
    assert done.returncode == 0, f"{argv}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    build = ("-m", "build", "--wheel", "--no-isolation", "--outdir", dist, CHECKOUT)
    run(sys.executable, *build, cwd=work)
    (wheel,) = dist.glob("voicectl-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "--quiet")
    run(*pip, "--no-deps", "--no-index", wheel, cwd=work)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(run(python, "-c", purelib, cwd=work).strip())
    deps = sysconfig.get_paths()["purelib"]  # the dev venv: pyyaml, jsonschema, rich, ...
    (site_packages / "zz_voicectl_test_deps.pth").write_text(deps + "\n", encoding="utf-8")
    yield Installed(wheel, python, venv / "bin" / "voicectl", site_packages)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A git repository outside the checkout holding a copy of the example voices/ only."""
    root = tmp_path / "elsewhere"
    root.mkdir()
    shutil.copytree(CHECKOUT / "voices", root / "voices")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    return root


def clean_env(home: Path) -> dict[str, str]:
    """No key, no PYTHONPATH: the installed console script on its own."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "NO_COLOR": "1"}


def test_the_wheel_carries_the_three_schemas_as_package_data(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        for name in SCHEMAS:
            assert f"reconciler/schemas/{name}" in names
            shipped = wheel.read(f"reconciler/schemas/{name}")
            assert shipped == (CHECKOUT / "schemas" / name).read_bytes()
        assert "reconciler/cli/main.py" in names
        assert not any(n.startswith(("tests/", "schemas/", "voices/")) for n in names)


def test_the_installed_package_is_the_wheel_not_the_checkout(
    installed: Installed, outside: Path
) -> None:
    where = run(
        installed.python,
        "-c",
        "import reconciler; print(reconciler.__file__)",
        cwd=outside,
        env=clean_env(outside),
    ).strip()
    assert Path(where) == installed.site_packages / "reconciler" / "__init__.py"
    assert not (installed.site_packages / "schemas").exists()


def test_validate_runs_from_outside_the_checkout(installed: Installed, outside: Path) -> None:
    done = launch(installed.voicectl, "validate", cwd=outside, env=clean_env(outside))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_validate_from_the_wheel_applies_the_voice_schema(
    installed: Installed, outside: Path
) -> None:
    (outside / "voices" / "typo.yaml").write_text(
        "version: 1\nalias: typo-en\nenigne: voice_engine_3\nlanguage: en-GB\n"
        "files:\n  - file_id: 6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10\n",
        encoding="utf-8",
    )
    done = launch(installed.voicectl, "validate", cwd=outside, env=clean_env(outside))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "voices/typo.yaml:1:1: error: missing required field 'engine'\n"
        "voices/typo.yaml:3:1: error: unknown field 'enigne'\n"
        "  hint: did you mean engine?\n"
        "2 errors, 0 warnings\n"
    )


@pytest.mark.parametrize("name", ["voice", "plan", "project"])
def test_schema_prints_the_schema_shipped_in_the_wheel(
    installed: Installed, outside: Path, name: str
) -> None:
    printed = run(installed.voicectl, "schema", name, cwd=outside, env=clean_env(outside))
    expected = (CHECKOUT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert json.loads(printed) == json.loads(expected)


def test_init_scaffolds_from_the_templates_inside_the_wheel(
    installed: Installed, tmp_path: Path
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for rel in (
        "voices/anna-en-instant.yaml",
        "voices/audio/anna/take-01.wav",
        "voices/audio/anna/take-02.mp3",
        "workflows/voices-plan.yml",
        "workflows/voices-apply.yml",
        "workflows/voices-drift.yml",
    ):
        assert f"reconciler/templates/{rel}" in names, rel
    root = tmp_path / "fresh"
    sha = "0123456789abcdef0123456789abcdef01234567"
    env = clean_env(tmp_path)
    run(installed.voicectl, "init", root, "--action", f"acme/voicectl@{sha}", cwd=tmp_path, env=env)
    assert (root / ".github/workflows/voices-plan.yml").is_file()
    done = launch(installed.voicectl, "validate", cwd=root, env=env)
    assert (done.returncode, done.stderr) == (0, "✓ 1 voice valid (0 warnings)\n")
