"""Which API hosts and key variables a run may use (reliability.md, "Threat model").

voicectl.yaml is a file a pull request can change, so what it names is never enough to send
the key anywhere: the official AudioStack host and loopback are allowed by default, any
other host only when the person or workflow running voicectl allows it (`--allow-host`,
`VOICECTL_ALLOW_HOSTS`), and a target's `api_key_env` must name an `AUDIOSTACK_*`
variable unless `VOICECTL_ALLOW_KEY_VARS` lists it. Pure: the environment comes in as a
mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from reconciler.model.errors import ConfigError

OFFICIAL_HOSTS = frozenset({"v2.api.audio"})  # audiostack SDK 4.0.0: api_base
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ALLOW_HOSTS_VARIABLE = "VOICECTL_ALLOW_HOSTS"
ALLOW_KEY_VARS_VARIABLE = "VOICECTL_ALLOW_KEY_VARS"
KEY_VARIABLE_PATTERN = re.compile(r"^AUDIOSTACK_[A-Z0-9_]+$")
_SEPARATORS = re.compile(r"[\s,]+")


def _names(text: str) -> frozenset[str]:
    return frozenset(part for part in _SEPARATORS.split(text.strip()) if part)


@dataclass(frozen=True, slots=True)
class EndpointPolicy:
    """Hosts and key variables allowed beyond the defaults, by the caller, never by a file."""

    hosts: frozenset[str] = frozenset()
    key_variables: frozenset[str] = frozenset()

    @classmethod
    def from_caller(
        cls, environ: Mapping[str, str], flag_hosts: Iterable[str] = ()
    ) -> EndpointPolicy:
        hosts = _names(environ.get(ALLOW_HOSTS_VARIABLE, "")) | frozenset(flag_hosts)
        return cls(
            hosts=frozenset(h.strip().lower().strip("[]") for h in hosts if h.strip()),
            key_variables=_names(environ.get(ALLOW_KEY_VARS_VARIABLE, "")),
        )

    def host_allowed(self, host: str) -> bool:
        host = host.lower()
        return host in OFFICIAL_HOSTS or host in LOOPBACK_HOSTS or host in self.hosts

    def check_key_variable(self, name: str, target: str) -> None:
        """Refuse a key variable outside AUDIOSTACK_* that the caller did not allow
        (`api_key_env: GITHUB_TOKEN` would send the workflow's token to the API)."""
        if KEY_VARIABLE_PATTERN.match(name) or name in self.key_variables:
            return
        raise ConfigError(
            f"target {target}: api_key_env {name!r} is not an AUDIOSTACK_* variable\n"
            f"  hint: rename the variable (e.g. AUDIOSTACK_{target.upper().replace('-', '_')}"
            f"_KEY), or allow it where voicectl runs: {ALLOW_KEY_VARS_VARIABLE}={name}"
        )

    def check_url(self, url: str, source: str) -> None:
        """Refuse a URL from `source` (a file or variable) whose host is not allowed."""
        host = urlsplit(url).hostname or ""
        if self.host_allowed(host):
            return
        raise ConfigError(
            f"refusing to send the key to {host or url!r} ({source}): only "
            f"{', '.join(sorted(OFFICIAL_HOSTS))} and loopback are allowed by default\n"
            f"  hint: allow the host where voicectl runs: --allow-host {host} "
            f"or {ALLOW_HOSTS_VARIABLE}={host}"
        )


NOT_SECRET = frozenset({"AUDIOSTACK_API_URL", "AUDIOSTACK_ORG_ID"})
PUBLIC_VALUES = frozenset({"emulator"})  # the emulator's seeded key (api-contract.md E11)


def secret_values(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Values to mask before anything is printed: every AUDIOSTACK_* key variable, the
    variables the caller allowed as keys, and GITHUB_TOKEN (a mistyped `--target $KEY` or a
    usage error echoing one must show ***)."""
    allowed = _names(environ.get(ALLOW_KEY_VARS_VARIABLE, ""))
    names = {n for n in environ if KEY_VARIABLE_PATTERN.match(n) and n not in NOT_SECRET}
    values = (environ.get(n, "").strip() for n in sorted(names | allowed | {"GITHUB_TOKEN"}))
    return tuple(v for v in values if v and v not in PUBLIC_VALUES)
