"""Repository-level settings (`voicectl.yaml`) as a frozen ProjectConfig, and the rule
that finds the repository root. Pure values: reading and schema-checking the file happens
in declarations.load_project (this layer may not import the YAML loader).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.declarations.qualityconfig import merge_quality
from reconciler.model.errors import Location
from reconciler.model.quality import QualitySettings
from reconciler.model.settings import DEFAULT_ENVIRONMENT, TargetConfig

PROJECT_FILE = "voicectl.yaml"
DEFAULT_VOICES_DIR = "voices"
DEFAULT_REMOTE_FOLDER = "voicectl"
DEFAULT_TARGET = "default"


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """voicectl.yaml after schema validation; defaults when the file is absent."""

    owner: str | None = None
    voices_dir: str = DEFAULT_VOICES_DIR
    remote_folder: str = DEFAULT_REMOTE_FOLDER
    max_credits: int | None = None
    scope: tuple[str, ...] = ()
    targets: Mapping[str, TargetConfig] = field(default_factory=dict)
    source: str | None = None  # repo-relative path of the file, None when absent
    quality: QualitySettings = field(default_factory=QualitySettings)
    # where `voices_dir:` is written in voicectl.yaml (None: the default folder)
    voices_dir_at: Location | None = None

    @property
    def target_names(self) -> tuple[str, ...]:
        """Names a declaration may list under `targets:`."""
        return tuple(sorted(self.targets)) if self.targets else (DEFAULT_TARGET,)


def project_from_data(data: Mapping[str, Any] | None, source: str | None) -> ProjectConfig:
    """Build the config from schema-valid data (None: the file is absent or empty)."""
    if not data:
        return ProjectConfig(source=source)
    targets = {
        name: TargetConfig(
            name=name,
            api_url=spec.get("api_url"),
            api_key_env=spec.get("api_key_env", "AUDIOSTACK_API_KEY"),
            max_credits=spec.get("max_credits"),
            org_id=spec.get("org_id"),
            environment=spec.get("environment", DEFAULT_ENVIRONMENT),
        )
        for name, spec in sorted(data.get("targets", {}).items())
    }
    return ProjectConfig(
        owner=data.get("owner"),
        voices_dir=str(data.get("voices_dir", DEFAULT_VOICES_DIR)).strip("/") or ".",
        remote_folder=data.get("remote_folder", DEFAULT_REMOTE_FOLDER),
        max_credits=data.get("max_credits"),
        scope=tuple(data.get("scope", ())),
        targets=targets,
        source=source,
        quality=merge_quality(QualitySettings(), data.get("quality")),
    )


def find_root(cwd: Path) -> Path:
    """The nearest ancestor of `cwd` holding voicectl.yaml or .git, else `cwd` itself."""
    start = cwd.resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file() or (folder / ".git").exists():
            return folder
    return start
