"""The emulator's own copy of the engine table (api-contract.md §5) and its other limits.

Deliberately separate from reconciler/model/enginetable.py: a test asserts both copies equal the
contract's table, so the client cannot quietly agree with itself. Values only here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MB = 1_000_000  # api-contract.md E9: MB means 10^6 bytes


@dataclass(frozen=True, slots=True)
class EngineRules:
    name: str
    max_files: int
    min_file_s: float
    min_total_s: float
    max_total_bytes: int
    credits: int
    consent_required: bool
    preparing_s: float  # time-mode phase lengths (api-contract.md E4)
    in_progress_s: float


ENGINES: dict[str, EngineRules] = {
    "voice_engine_2": EngineRules(
        name="voice_engine_2",
        max_files=500,
        min_file_s=1.5,
        min_total_s=20 * 60,
        max_total_bytes=500 * MB,
        credits=1200,
        consent_required=True,
        preparing_s=60,  # INVENTED: api-contract.md E4
        in_progress_s=2 * 3600,  # INVENTED: api-contract.md E4 ("up to a few hours")
    ),
    "voice_engine_3": EngineRules(
        name="voice_engine_3",
        max_files=25,
        min_file_s=1.5,
        min_total_s=1.5,
        max_total_bytes=10 * MB,
        credits=300,
        consent_required=False,
        preparing_s=2,  # INVENTED: api-contract.md E4
        in_progress_s=10,  # INVENTED: api-contract.md E4 ("instant")
    ),
}
ENGINE_NAMES: tuple[str, ...] = tuple(sorted(ENGINES))

# INVENTED: api-contract.md E9 (accepted formats; mimeType derived from the extension)
FORMATS: dict[str, str] = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
}

ALIAS_RULE = "^[a-z0-9][a-z0-9_-]{1,63}$"  # INVENTED: api-contract.md E21
ALIAS_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{1,63}")  # used with fullmatch
METADATA_MAX_KEYS = 32  # INVENTED: api-contract.md E22
METADATA_MAX_CHARS = 256  # INVENTED: api-contract.md E22

JSON_BODY_CAP = 1 << 20  # INVENTED: api-contract.md E20 (1 MiB of JSON per request)
UPLOAD_CAP = 600 * MB  # INVENTED: api-contract.md E16 (above the 500 MB engine_2 total)
NAME_MAX_CHARS = 255  # INVENTED: api-contract.md E17 (file and folder names)
PAGE_DEFAULT = 100  # api-contract.md E19
PAGE_MAX = 1000  # api-contract.md E19
UPLOAD_URL_TTL_S = 7 * 86400  # api-contract.md §3 / E16: valid for 7 days

DEFAULT_KEY = "emulator"  # api-contract.md E11: not a secret
DEFAULT_ORG = "org-default"
DEFAULT_USER = "user-default"
DEFAULT_CREDITS = 10_000  # api-contract.md E13
FOREIGN_ORG = "org-foreign"  # owner of admin-seeded "foreign" records
FOREIGN_USER = "user-foreign"
