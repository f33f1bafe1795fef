"""The public route table: path templates → handlers, with 404/405 for the rest.

Which routes need a key and which settle clone transitions first is declared here;
the handlers themselves live in files/folders/clones/voices.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reconciler.emulator import clones, files, folders, sdkroutes, voices
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.wire import ApiProblem, EmuReply, show

Handler = Callable[[Backend, Call], EmuReply]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool = True  # presigned upload URLs carry a signature instead of a key
    settles: bool = False  # clone state must be current before answering
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        object.__setattr__(self, "pattern", re.compile(regex))


ROUTES: tuple[Route, ...] = (
    Route("POST", "/files", files.create_file),
    # INVENTED: api-contract.md §8 (routes only the SDKs call; before /files/{fileId})
    Route("PUT", "/files/copy", sdkroutes.copy_file),
    Route("GET", "/files/file-categories", sdkroutes.file_categories),
    Route("GET", "/files/{fileId}", files.get_file),
    Route("PATCH", "/files/{fileId}", sdkroutes.patch_file),
    Route("DELETE", "/files/{fileId}", sdkroutes.delete_file),
    Route("PUT", "/_upload/{fileId}", files.upload_file, auth=False),
    Route("GET", "/_download/{fileId}", files.download_file, auth=False),
    Route("GET", "/folders", folders.list_folder),
    Route("POST", "/folders", folders.create_folder),
    Route("GET", "/folders/{folderId}/files", folders.list_folder_files),
    Route("GET", "/folders/{folderId}", sdkroutes.get_folder),
    Route("PATCH", "/folders/{folderId}", sdkroutes.patch_folder),
    Route("DELETE", "/folders/{folderId}", sdkroutes.delete_folder),
    # INVENTED: api-contract.md E1 (both spellings are served identically)
    Route("POST", "/speech/voice-cloning", clones.create_clone, settles=True),
    Route("GET", "/speech/voice-cloning", clones.list_clones, settles=True),
    Route("POST", "/speech/voice-builder", clones.create_clone, settles=True),
    Route("GET", "/speech/voice-builder", clones.list_clones, settles=True),
    Route("GET", "/speech/voice", voices.list_voices, settles=True),
    Route("POST", "/speech/voice/query", sdkroutes.voice_query, settles=True),
    Route("GET", "/speech/voice/{alias}", voices.get_voice, settles=True),
)


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for `method path` and its parameters, or 404 / 405 (E8: no DELETE)."""
    allowed: list[str] = []
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if found is None:
            continue
        if route.method == method:
            return route, found.groupdict()
        allowed.append(route.method)
    if allowed:
        # INVENTED: api-contract.md E8 (no update or delete route: other methods → 405)
        raise ApiProblem(
            405,
            f"method {show(method, 16)} not allowed on {show(path)}",
            headers=(("allow", ", ".join(sorted(set(allowed)))),),
        )
    raise ApiProblem(404, f"no route for {show(method, 16)} {show(path)}")


def template_of(path: str) -> str | None:
    """The template a path belongs to (for fault rules), whatever the method."""
    for route in ROUTES:
        if route.pattern.fullmatch(path):
            return route.template
    return None
