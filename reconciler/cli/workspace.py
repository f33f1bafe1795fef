"""Shared set-up for the commands that talk to a target: find the repository root, read
voicectl.yaml, resolve Settings, open the API (embedded emulator or HTTP).

Layer 5: it may import everything; heavy modules are imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.arguments import TargetOptions
from reconciler.cli.context import Context
from reconciler.model.endpoints import EndpointPolicy
from reconciler.model.errors import ConfigError
from reconciler.model.settings import EMULATOR_KEY, Settings, TargetConfig, resolve_settings

if TYPE_CHECKING:
    from reconciler.audiostack.client import AudioStackClient
    from reconciler.declarations.project import ProjectConfig
    from reconciler.model.voiceapi import UploadWait
    from reconciler.orchestration.repository import PlanSource

CLOCK_VARIABLE = "VOICECTL_EMULATOR_CLOCK"  # immediate | time | manual, embedded mode only


@dataclass(frozen=True)
class Workspace:
    root: Path
    project: ProjectConfig
    settings: Settings

    @property
    def source(self) -> PlanSource:
        """What plan_repository plans: this repository for the resolved target."""
        from reconciler.orchestration.repository import PlanSource

        settings = self.settings
        return PlanSource(
            root=self.root,
            project=self.project,
            target=settings.target,
            owner=settings.owner,
            remote_folder=settings.remote_folder,
            max_credits=settings.max_credits,
        )


def target_config(project: ProjectConfig, name: str | None) -> TargetConfig:
    targets = dict(project.targets)
    known = ", ".join(sorted(targets)) or "none declared"
    if name is None:
        if len(targets) > 1 and "default" not in targets:
            # never fall back to another API (or the emulator) behind the user's back
            raise ConfigError(f"voicectl.yaml declares several targets ({known}): use --target")
        return targets.get("default") or (
            next(iter(targets.values())) if len(targets) == 1 else TargetConfig()
        )
    if name not in targets:
        raise ConfigError(f"unknown target {name!r} (voicectl.yaml targets: {known})")
    return targets[name]


def open_workspace(ctx: Context, options: TargetOptions) -> Workspace:
    from reconciler.declarations.loading import load_project
    from reconciler.declarations.project import find_root
    from reconciler.orchestration.git import origin_repository

    if (options.max_credits or 0) < 0:  # would block even an empty plan
        raise ConfigError(f"--max-credits must be 0 or more, not {options.max_credits}")
    if options.concurrency is not None and options.concurrency < 1:  # nothing would run
        raise ConfigError(f"--concurrency must be 1 or more, not {options.concurrency}")
    root = find_root(ctx.cwd)
    project = load_project(root)
    if options.base:
        from reconciler.cli.basetargets import check_targets_unchanged

        check_targets_unchanged(root, options.base, project)
    target = target_config(project, options.target)
    policy = EndpointPolicy.from_caller(ctx.environ, options.allow_hosts)
    policy.check_key_variable(target.api_key_env, target.name)  # before reading it
    api = options.api
    if api is None and target.api_url == "emulator":  # voicectl.yaml: `api_url: emulator`
        api, target = "emulator", dataclasses.replace(target, api_url=None)
    elif (
        api is None
        and target.name in project.targets
        and not ctx.environ.get(target.api_key_env, "").strip()
    ):  # a declared target never falls back to the emulator for want of its key
        raise ConfigError(
            f"target {target.name} needs its key: set {target.api_key_env} (or use --api emulator)"
        )
    key = ctx.environ.get(target.api_key_env, "").strip()
    if key != EMULATOR_KEY:  # masked from here on: even a message about a bad URL may hold it
        from reconciler.redact import register_secret

        register_secret(key)
    settings = resolve_settings(
        ctx.environ,
        root=root,
        target=target,
        api=api,
        project_owner=project.owner,
        origin_owner=None if project.owner else origin_repository(root),
        remote_folder=project.remote_folder,
        max_credits=options.max_credits if options.max_credits is not None else project.max_credits,
        concurrency=options.concurrency,
        policy=policy,
    )
    if not settings.embedded and ctx.in_github_actions:
        ctx.err.print(f"::add-mask::{settings.api_key}", markup=False, highlight=False)
    return Workspace(root=root, project=project, settings=settings)


def _ignore_state_dir(folder: Path) -> None:
    """Local state (emulator database, caches, journal) never belongs in Git."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# voicectl local state: never commit\n*\n", encoding="utf-8")


STATE_HINT = (
    "  hint: the embedded emulator (used without AUDIOSTACK_API_KEY) keeps its state in "
    ".voicectl/; {fix}"
)


def _open_emulator(settings: Settings) -> tuple[Any, Any]:
    """The embedded emulator; an unwritable or damaged .voicectl/ is a one-line error."""
    import sqlite3

    from reconciler.emulator.transport import open_embedded

    db = settings.emulator_db
    shown = db.relative_to(settings.root).as_posix()
    try:
        _ignore_state_dir(db.parent)
        return open_embedded(db)
    except sqlite3.DatabaseError as exc:
        fix = f"delete {shown} to start the emulator afresh (its voices are local only)"
        raise ConfigError(
            f"{shown} is not a usable emulator database ({exc})\n" + STATE_HINT.format(fix=fix)
        ) from None
    except OSError as exc:
        where = exc.filename or db.parent
        fix = "run voicectl in a writable checkout, or target an API with AUDIOSTACK_API_KEY"
        raise ConfigError(
            f"cannot write {where}: {exc.strerror or exc}\n" + STATE_HINT.format(fix=fix)
        ) from None


def upload_wait(environ: Mapping[str, str]) -> UploadWait:
    """The upload processing wait: VOICECTL_UPLOAD_TIMEOUT_S (default 300) and
    VOICECTL_UPLOAD_POLL_S (the longest pause between two checks, default 2)."""
    from reconciler.model.voiceapi import UploadWait

    values = {}
    knobs = (("VOICECTL_UPLOAD_TIMEOUT_S", "timeout_s"), ("VOICECTL_UPLOAD_POLL_S", "poll_cap_s"))
    for name, field in knobs:
        text = environ.get(name, "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 < value < 86_400:
            raise ConfigError(f"{name} must be a number of seconds above 0, not {text!r}")
        values[field] = value
    return UploadWait(**values)


@contextmanager
def open_api(
    settings: Settings, ctx: Context, *, on_request: Callable[[Any], None] | None = None
) -> Iterator[AudioStackClient]:
    """The AudioStack client for this run; embedded mode wires it to the in-process emulator."""
    from reconciler.audiostack.client import AudioStackClient
    from reconciler.audiostack.retry import RetryPolicy
    from reconciler.redact import register_secret

    # the emulator's public key `emulator` is no secret: masking it would turn every
    # "emulator" in messages into *** (served emulator, `voicectl emulator serve`)
    public = settings.embedded or settings.api_key == EMULATOR_KEY
    register_secret(None if public else settings.api_key)
    trace_id = uuid.uuid4().hex
    options: dict[str, Any] = {
        "trace_id": trace_id,
        "on_request": on_request,
        "retry": RetryPolicy(max_concurrency=max(1, settings.concurrency)),
        "upload_wait": upload_wait(ctx.environ),
    }
    if ctx.debug:  # route and dialect decisions (api-contract.md §8)
        options["note"] = lambda text: ctx.err.print(f"debug: {text}", markup=False, soft_wrap=True)
    if settings.embedded:
        emulator, transport = _open_emulator(settings)
        clock = ctx.environ.get(CLOCK_VARIABLE)
        if clock:  # through the emulator's own admin door, as a test would
            import httpx

            with httpx.Client(transport=transport, base_url=settings.api_url) as admin:
                admin.post("/_emulator/clock", json={"mode": clock}).raise_for_status()
        try:
            with AudioStackClient(
                settings.api_url,
                settings.api_key,
                transport=transport,
                key_is_secret=False,  # the public emulator key (api-contract.md E11)
                **options,
            ) as client:
                yield client
        finally:
            emulator.close()
    else:
        with AudioStackClient(
            settings.api_url,
            settings.api_key,
            org_id=settings.org_id,
            key_is_secret=not public,
            **options,
        ) as client:
            yield client
