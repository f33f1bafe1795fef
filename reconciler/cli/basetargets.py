"""PR mode (`--base REF`): a voicectl.yaml whose targets, URLs or key variables differ from
the base blocks the remote plan (exit 4) until the change is reviewed and merged, so a pull
request can never point the key at an endpoint of its own choosing (reliability.md,
"Threat model"). Nothing is read from the environment and nothing is sent before this.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reconciler.declarations.project import PROJECT_FILE, ProjectConfig, project_from_data
from reconciler.model.errors import BlockedPlanError
from reconciler.model.settings import TargetConfig

BLOCK_HINT = (
    "  hint: merge the voicectl.yaml change on its own first (a maintainer reviews where "
    "the key goes); the plan of this pull request then runs against the merged targets"
)


def _base_targets(root: Path, ref: str) -> Mapping[str, TargetConfig]:
    from reconciler.declarations.schemacheck import check_document
    from reconciler.declarations.yamlsrc import LocatedDoc, parse_yaml
    from reconciler.orchestration.git import read_file_at

    data = read_file_at(root, ref, PROJECT_FILE)
    if data is None:
        return {}
    doc = parse_yaml(data, PROJECT_FILE)
    if not isinstance(doc, LocatedDoc) or not isinstance(doc.data, dict):
        return {}
    if doc.problems or check_document("project", doc):
        return {}  # an invalid base has no usable targets: any target at head differs
    return project_from_data(doc.data, PROJECT_FILE).targets


def _endpoint_of(target: TargetConfig) -> str:
    return f"api_url {target.api_url or '(default)'}, api_key_env {target.api_key_env}"


def target_differences(
    base: Mapping[str, TargetConfig], head: Mapping[str, TargetConfig]
) -> list[str]:
    """One line per target added, removed or pointed elsewhere (URL or key variable)."""
    lines = []
    for name in sorted(set(base) | set(head)):
        old, new = base.get(name), head.get(name)
        if old is None and new is not None:
            lines.append(f"  + target {name}: {_endpoint_of(new)}")
        elif new is None and old is not None:
            lines.append(f"  - target {name}: {_endpoint_of(old)}")
        elif old is not None and new is not None:
            for field in ("api_url", "api_key_env"):
                before, after = getattr(old, field), getattr(new, field)
                if before != after:
                    lines.append(
                        f"  ~ target {name}: {field} {before or '(default)'} → "
                        f"{after or '(default)'}"
                    )
    return lines


def check_targets_unchanged(root: Path, ref: str, project: ProjectConfig) -> None:
    """Raise BlockedPlanError (exit 4) with the diff when the targets differ from `ref`."""
    lines = target_differences(_base_targets(root, ref), project.targets)
    if lines:
        raise BlockedPlanError(
            f"{PROJECT_FILE} changes the targets against {ref}; the remote plan is blocked "
            "until that change is merged:\n" + "\n".join(lines) + "\n" + BLOCK_HINT
        )
