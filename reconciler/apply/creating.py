"""The create protocol for one voice: upload, read back, POST once, read back after a loss.

The read back before the first POST comes from the plan's listing when it is complete and
fresh (readback.py); a create refused because its files are still processing waits for
them (processing.py), reads back, and POSTs again.

The alias is the idempotency key (reliability.md §1.4): a clone POST is repeated only after
`GET ?alias=` showed the earlier one did not land. Thread orchestration lives in apply.py,
the wait in waiting.py.
"""

from __future__ import annotations

from collections.abc import Callable

from reconciler.apply.control import ApplyPhase, NotStartedError, RunControl, Voice
from reconciler.apply.events import Adopted, Retrying, Step, Submitted, VoiceStarted
from reconciler.apply.ownership import find_ours, taken_reason
from reconciler.apply.readback import KnownHistories
from reconciler.apply.report import Outcome
from reconciler.apply.uploads import UploadStore
from reconciler.model.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ConflictError,
    CreditsError,
    RateLimitedError,
    VoicectlError,
)
from reconciler.model.values import (
    AdoptMode,
    CloneId,
    Declaration,
    DeclaredFile,
    FileId,
    RemoteClone,
    owner_marker,
)
from reconciler.model.voiceapi import CloneRequest, VoiceApi
from reconciler.plan.change import Change
from reconciler.redact import safe

RATE_LIMITED_CREATES = 5  # 429s on one create that may be followed by read back + POST


def clone_request(
    change: Change, file_ids: tuple[FileId, ...], consent: FileId | None
) -> CloneRequest:
    """The POST body, taken from the reviewed change as it is: its alias, engine and
    metadata (marker included), and the fileIds of exactly its files and consent. Files
    with the same content share one upload, so a fileId is listed once (the API refuses
    a repeated one)."""
    engine = change.engine
    assert engine is not None  # a planned write has a declaration, hence an engine
    unique = tuple(dict.fromkeys(file_ids))
    return CloneRequest(change.alias, engine, unique, dict(change.metadata), consent)


TAKEN_ELSEWHERE = "alias taken by another user or organisation: choose another alias"
TAKEN_HINT = (
    "hint: rename `alias:` in {path} to a free name; `replaces:` is not needed for a voice "
    "that was never created"
)


def taken_elsewhere(decl: Declaration) -> str:
    """A 409 for an alias no record of ours explains: aliases are global (api-contract.md E7)."""
    return f"{TAKEN_ELSEWHERE} ({TAKEN_HINT.format(path=decl.source.path)})"


def credits_reason(server_message: str) -> str:
    """A 402's reason: the server's words, prefixed once (the emulator's and the API's
    messages already begin `insufficient credits`)."""
    prefix = "insufficient credits"
    if server_message.lower().startswith(prefix):
        return server_message
    return f"{prefix}: {server_message}" if server_message else prefix


class VoiceRunner:
    """Runs the create protocol for one voice at a time (called from worker threads)."""

    def __init__(
        self,
        api: VoiceApi,
        store: UploadStore,
        control: RunControl,
        *,
        owner: str,
        last_request_id: Callable[[str], str | None],
        known: KnownHistories | None = None,
    ) -> None:
        self._api, self._store, self._control = api, store, control
        self._known = known
        self._events = control.events
        self._marker = owner_marker(owner)
        self._last_request_id = last_request_id

    def run(self, voice: Voice, index: int, total: int) -> None:
        decl, control = voice.decl, self._control
        self._events.emit(VoiceStarted(voice.alias, decl.engine, index, total))
        step = Step.UPLOAD
        try:
            control.enter(voice, ApplyPhase.UPLOADING)
            file_ids = tuple(self._ensure(voice, f) for f in decl.files)
            consent = self._ensure(voice, decl.consent) if decl.consent else None
            step = Step.READ_BACK
            control.enter(voice, ApplyPhase.CHECKING)
            records = self._known.history(voice.alias) if self._known else None
            if records is None:
                records = self._api.get_clones(voice.alias)  # read back before creating
            if self._settle_existing(voice, records, None):
                return
            request = clone_request(voice.change, file_ids, consent)
            step = Step.CREATE
            self._create(voice, request, frozenset(r.clone_id for r in records))
        except NotStartedError as exc:
            control.post_done(voice)  # nothing was sent
            control.settle(voice, Outcome.NOT_ATTEMPTED, exc.reason)
        except ApiError as exc:
            if exc.transient:
                control.note_transient()
            if isinstance(exc, AuthError):
                control.halt("the API key was refused (check AUDIOSTACK_API_KEY)")
            elif isinstance(exc, RateLimitedError):  # the client's retry budget is spent
                control.halt(f"rate limited: {safe(exc.server_message, 160)}")
            control.settle(voice, Outcome.FAILED, f"{step}: {safe(str(exc), 300)}")
        except VoicectlError as exc:
            control.settle(voice, Outcome.FAILED, f"{step}: {safe(str(exc), 300)}")
        except Exception as exc:  # a bug in one voice must not lose the others' results
            message = f"internal error: {type(exc).__name__}: {safe(str(exc), 200)}"
            control.settle(voice, Outcome.FAILED, message)

    def _ensure(self, voice: Voice, declared: DeclaredFile) -> FileId:
        file_id = self._store.ensure_file(voice.alias, declared)
        with self._control.lock:
            voice.paths_by_id[file_id] = declared.path or str(declared.file_id)
        return file_id

    def _settle_existing(
        self,
        voice: Voice,
        records: tuple[RemoteClone, ...],
        before: frozenset[CloneId] | None,
        *,
        why: str = "already exists",
        lost_answer: bool = False,
    ) -> bool:
        """Adopt our record or fail on someone else's; False when the alias is free.
        `before`: the record ids seen before our POST (None: no POST sent yet). With
        `lost_answer`, a new record of ours is the one our POST created."""
        force = voice.decl.adopt == AdoptMode.FORCE
        sent: frozenset[FileId] = frozenset()
        if lost_answer:  # our POST may have landed: its fileIds tell an unstamped record
            with self._control.lock:
                sent = frozenset(voice.paths_by_id)
        ours = find_ours(records, self._marker, before, force=force, sent=sent)
        if ours is not None:
            alias = voice.alias
            created = lost_answer and before is not None and ours.clone_id not in before
            if not self._control.landed(voice, ours, adopted=not created):
                return True
            if created:  # our POST landed; only its answer was lost
                credits = voice.change.credits
                self._events.emit(Submitted(alias, ours.clone_id, voice.decl.engine, credits))
            else:
                self._events.emit(Adopted(alias, ours.clone_id, ours.status, why))
            return True
        taken = taken_reason(records, self._marker)
        if taken is not None:
            self._control.settle(voice, Outcome.FAILED, taken)
            return True
        return False

    def _create(self, voice: Voice, request: CloneRequest, before: frozenset[CloneId]) -> None:
        """POST once; after an unusable answer read back, and POST once more only if the
        first did not land. Never a blind retry."""
        control, alias = self._control, request.alias
        failures = limited = 0
        waited = False
        while True:
            halted = control.halted()
            if halted is not None:
                control.settle(voice, Outcome.NOT_ATTEMPTED, halted)
                return
            if not control.enter(voice, ApplyPhase.CREATING, post_in_flight=True):
                return
            try:
                clone = self._api.create_clone(request)
            except CreditsError as exc:
                control.post_done(voice)
                control.halt("insufficient credits (HTTP 402)")
                reason = credits_reason(safe(exc.server_message, 200))
                control.settle(voice, Outcome.NOT_ATTEMPTED, reason)
                return
            except ConflictError:
                control.post_done(voice)
                self._after_conflict(voice, before)
                return
            except ApiError as exc:
                if not exc.transient:
                    control.post_done(voice)
                    if waited or not self._processing(request, exc):
                        raise
                    waited = True
                    records = self._api.get_clones(alias)  # read back before the next POST
                    if self._settle_existing(voice, records, before):
                        return
                    continue
                # a 429 was refused unprocessed: it does not use up the one repeat
                if exc.status == 429 and limited < RATE_LIMITED_CREATES:
                    limited += 1
                else:
                    failures += 1
                    control.note_transient()
                control.post_done(voice, retried=True)
                self._events.emit(
                    Retrying(alias, Step.CREATE, f"{safe(str(exc), 200)}; reading back")
                )
                if self._read_back_after_loss(voice, before, exc, last=failures >= 2):
                    return
                continue
            if control.landed(voice, clone, adopted=False):
                request_id = self._last_request_id(alias)
                credits = voice.change.credits
                event = Submitted(alias, clone.clone_id, request.engine, credits, request_id)
                self._events.emit(event)
            return

    def _after_conflict(self, voice: Voice, before: frozenset[CloneId]) -> None:
        """409: read back; ours (a concurrent run) → adopt, else the alias is taken."""
        control = self._control
        try:
            records = self._api.get_clones(voice.alias)
        except ApiError as read_exc:  # it may be ours (a concurrent run): not "failed"
            if read_exc.transient:
                control.note_transient()
            self._note_refused_read(read_exc)
            reason = (
                f"alias taken (409) and the read back failed ({safe(str(read_exc), 160)});"
                " the next run reads the alias back"
            )
            control.settle(voice, Outcome.UNKNOWN, reason)
            return
        why = "created by a concurrent run (409)"
        if not self._settle_existing(voice, records, before, why=why):
            control.settle(voice, Outcome.FAILED, taken_elsewhere(voice.decl))

    def _processing(self, request: CloneRequest, exc: ApiError) -> bool:
        """A 400 naming files this run put but has not seen processed (E9): wait for
        them and say so (True), or False when the refusal has another cause."""
        sent = request.file_ids + ((request.consent_file_id,) if request.consent_file_id else ())
        if not isinstance(exc, BadRequestError) or not self._store.unconfirmed(sent):
            return False
        note = f"HTTP {exc.status}: {safe(exc.server_message, 160)}; waiting for the uploads"
        self._events.emit(Retrying(request.alias, Step.CREATE, note))
        self._store.await_processed(request.alias, sent)
        return True

    def _read_back_after_loss(
        self, voice: Voice, before: frozenset[CloneId], exc: ApiError, *, last: bool
    ) -> bool:
        """After a POST without a usable answer: True when the voice is settled."""
        try:
            records = self._api.get_clones(voice.alias)
        except ApiError as read_exc:
            self._note_refused_read(read_exc)
            reason = (
                f"create answer lost ({safe(str(exc), 120)}) and the read back failed "
                f"({safe(str(read_exc), 120)}); the next run reads the alias back"
            )
            self._control.settle(voice, Outcome.UNKNOWN, reason)
            return True
        if self._settle_existing(voice, records, before, lost_answer=True):
            return True
        if last:
            reason = f"create failed twice: {safe(str(exc), 200)}"
            self._control.settle(voice, Outcome.FAILED, reason)
            return True
        return False

    def _note_refused_read(self, exc: ApiError) -> None:
        if isinstance(exc, RateLimitedError | AuthError):
            self._control.halt(f"read back refused: {safe(str(exc), 160)}")
