"""Settings for one run against one target, resolved from the environment and flags.

Pure: `resolve_settings` takes the environment as a mapping and plain values from
voicectl.yaml; it never reads os.environ itself. The API key is kept out of repr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from reconciler.model.endpoints import LOOPBACK_HOSTS, EndpointPolicy
from reconciler.model.errors import ConfigError

DEFAULT_API_URL = "https://v2.api.audio"
EMULATOR_KEY = "emulator"  # the embedded emulator's seeded key; not a secret
EMULATOR_URL = "http://emulator.invalid"
KEY_VARIABLE = "AUDIOSTACK_API_KEY"
URL_VARIABLE = "AUDIOSTACK_API_URL"
DEFAULT_ENVIRONMENT = "production"


# apply's default ceiling (`--concurrency` overrides it). The embedded emulator answers on
# this process's own CPU under the one GIL: a second thread waits for the first and adds
# a thread switch per SQLite call (1,000 voices: 9.5 s at 1, 12.5 s at 16, benchmarks/
# growth_bench.py), so it gets one request at a time.
API_CONCURRENCY = 16
EMBEDDED_CONCURRENCY = 1


@dataclass(frozen=True, slots=True)
class TargetConfig:
    """One entry of `targets:` in voicectl.yaml (or the implicit default target)."""

    name: str = "default"
    api_url: str | None = None
    api_key_env: str = KEY_VARIABLE
    max_credits: int | None = None
    org_id: str | None = None
    environment: str = DEFAULT_ENVIRONMENT  # the GitHub environment whose approval applies


@dataclass(frozen=True, slots=True)
class Settings:
    target: str
    api_url: str
    api_key: str = field(repr=False)
    embedded: bool  # True: the in-process emulator, state under <root>/.voicectl/
    owner: str
    root: Path
    org_id: str | None = None
    remote_folder: str = "voicectl"
    max_credits: int | None = None
    concurrency: int = 16  # the ceiling of the adaptive limit (retry.Cooldown)
    why_embedded: str = f"no {KEY_VARIABLE}"

    @property
    def emulator_db(self) -> Path:
        return self.root / ".voicectl" / "emulator.sqlite3"

    @property
    def banner(self) -> str:
        if self.embedded:
            return (
                f"target: emulator ({self.why_embedded})"
                if self.target == "default"
                else (f"target: {self.target} on the emulator")
            )
        return f"target: {self.target} ({self.api_url})"


def _secure_enough(url: str) -> bool:
    """HTTPS anywhere; plain HTTP only to this machine (a served emulator)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def _pick_url(
    environ: Mapping[str, str], target: TargetConfig, api: str | None
) -> tuple[str, str | None]:
    """The URL and where it came from (None: the caller's flag or the official default)."""
    if api:
        return api, None
    if target.api_url:
        return target.api_url, f"voicectl.yaml targets.{target.name}.api_url"
    from_env = environ.get(URL_VARIABLE) if target.name == "default" else None
    if from_env:
        return from_env, URL_VARIABLE
    return DEFAULT_API_URL, None


def in_ci(environ: Mapping[str, str]) -> bool:
    """GitHub Actions, or any CI that sets `CI` (to anything but empty/false/0)."""
    ci = environ.get("CI", "").strip().lower()
    return environ.get("GITHUB_ACTIONS") == "true" or ci not in ("", "false", "0")


def resolve_settings(
    environ: Mapping[str, str],
    *,
    root: Path,
    target: TargetConfig,
    api: str | None = None,
    project_owner: str | None = None,
    origin_owner: str | None = None,
    remote_folder: str = "voicectl",
    max_credits: int | None = None,
    concurrency: int | None = None,
    policy: EndpointPolicy | None = None,
) -> Settings:
    """Pick the target: `--api emulator`, else a key in the environment, else the emulator
    (never by default in CI: a workflow step without its key is an error).

    The key variable and a URL from voicectl.yaml or AUDIOSTACK_API_URL must pass `policy`
    (endpoints.py); `--api URL` is the caller's own explicit choice."""
    policy = policy or EndpointPolicy.from_caller(environ)
    policy.check_key_variable(target.api_key_env, target.name)
    key = environ.get(target.api_key_env, "").strip()
    if not key and api is None and in_ci(environ):
        where = "GITHUB_ACTIONS" if environ.get("GITHUB_ACTIONS") == "true" else "CI"
        raise ConfigError(
            f"{target.api_key_env} is not set and this is CI ({where} is set): "
            "refusing to fall back to the embedded emulator\n"
            f"  hint: pass the secret in the step's env ({target.api_key_env}: "
            f"${{{{ secrets.{target.api_key_env} }}}}), or use --api emulator on purpose"
        )
    embedded = api == "emulator" or (not key and api is None)
    if embedded:
        url, key = EMULATOR_URL, EMULATOR_KEY
    else:
        if not key:
            raise ConfigError(
                f"--api {api} needs a key: set the {target.api_key_env} environment variable"
            )
        url, source = _pick_url(environ, target, api)
        if "@" in urlsplit(url).netloc:
            raise ConfigError(
                f"refusing an API URL that carries credentials ({url!r}): "
                f"put the key in {target.api_key_env}"
            )
        if not _secure_enough(url):
            raise ConfigError(f"refusing a non-HTTPS API URL {url!r}: use https://")
        if source is not None:
            policy.check_url(url, source)
    # the same owner in CI and locally: GITHUB_REPOSITORY is the `origin` remote's name
    owner = (
        project_owner
        or environ.get("GITHUB_REPOSITORY")
        or origin_owner
        or ("local" if embedded else None)
    )
    if owner is None:
        raise ConfigError(
            "no owner for the real API: set `owner:` in voicectl.yaml "
            "(or add the git remote `origin`) "
            "(stamped as metadata.managed_by on every voice this repository creates)"
        )
    org = target.org_id or (environ.get("AUDIOSTACK_ORG_ID") or None)
    budget = max_credits if max_credits is not None else target.max_credits
    return Settings(
        target=target.name,
        api_url=url.rstrip("/"),
        api_key=key,
        embedded=embedded,
        why_embedded="--api emulator" if api == "emulator" else f"no {target.api_key_env}",
        owner=owner,
        root=root,
        org_id=None if embedded else org,
        remote_folder=remote_folder,
        max_credits=budget,
        concurrency=concurrency or (EMBEDDED_CONCURRENCY if embedded else API_CONCURRENCY),
    )
