"""A loopback fake of the few GitHub REST endpoints voicectl calls.

Issue comments (list with Link pagination, create, update), issues (list the open ones,
create, edit, close), the pull requests of a commit, and a request log. Every call must
carry `Authorization: Bearer <token>`; faults can be queued per method. Stdlib only
(ThreadingHTTPServer on 127.0.0.1, port 0).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "ghs_CANARYtoken0123456789abcdefABCDEF"  # a canary: must never be printed

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    authorization: str | None
    body: Any = None


@dataclass
class FakeGitHub:
    token: str
    repository: str = "acme/voices"
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pulls_by_commit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    faults: list[tuple[str, int]] = field(default_factory=list)  # (method, status) consumed once
    # methods whose next call is carried out, then answered 502 (a lost reply)
    commit_then_fail: list[str] = field(default_factory=list)
    send_link_headers: bool = True
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    # -- state helpers used by tests -------------------------------------------------
    def add_comment(
        self, pr: int, body: str, *, user: dict[str, Any] | None = None, association: str = "NONE"
    ) -> dict[str, Any]:
        with self.lock:
            return self._new_comment(pr, body, user or BOT, association)

    def pr_comments(self, pr: int) -> list[dict[str, Any]]:
        return list(self.comments.get(pr, []))

    def calls(self, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if method is None or r.method == method]

    def _new_comment(
        self, pr: int, body: str, user: dict[str, Any], association: str
    ) -> dict[str, Any]:
        self.next_id += 1
        comment = {
            "id": self.next_id,
            "body": body,
            "user": dict(user),
            "author_association": association,
            "html_url": f"https://github.test/{self.repository}/pull/{pr}#issuecomment-{self.next_id}",
        }
        self.comments.setdefault(pr, []).append(comment)
        return comment

    # -- request handling ------------------------------------------------------------
    def handle(
        self, method: str, target: str, auth: str | None, raw: bytes
    ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        with self.lock:
            self.requests.append(Recorded(method, parts.path, parts.query, auth, body))
            for i, (fault_method, status) in enumerate(self.faults):
                if fault_method == method:
                    del self.faults[i]
                    return status, {}, {"message": "Server Error (injected)"}
            if auth != f"Bearer {self.token}":
                return 401, {}, {"message": "Bad credentials"}
            reply = self._route(method, parts.path, parse_qs(parts.query), body)
            if method in self.commit_then_fail:
                self.commit_then_fail.remove(method)
                return 502, {}, {"message": "Bad Gateway (injected after commit)"}
            return reply

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, dict[str, str], Any]:
        repo = re.escape(self.repository)
        if m := re.fullmatch(rf"/repos/{repo}/issues/(\d+)/comments", path):
            pr = int(m[1])
            if method == "GET":
                return self._list(path, self.comments.get(pr, []), query)
            if method == "POST":
                return 201, {}, self._new_comment(pr, body["body"], BOT, "NONE")
        if (m := re.fullmatch(rf"/repos/{repo}/issues/comments/(\d+)", path)) and method == "PATCH":
            for comments in self.comments.values():
                for comment in comments:
                    if comment["id"] == int(m[1]):
                        if comment["user"].get("login") != BOT["login"]:
                            return 403, {}, {"message": "Resource not accessible by integration"}
                        comment["body"] = body["body"]
                        return 200, {}, comment
            return 404, {}, {"message": "Not Found"}
        if path == f"/repos/{self.repository}/issues":
            if method == "GET":  # GitHub's default: open issues only
                open_ones = [i for i in self.issues.values() if i["state"] == "open"]
                return self._list(path, open_ones, query)
            if method == "POST":
                self.next_id += 1
                number = self.next_id
                self.issues[number] = {
                    "number": number,
                    "title": body["title"],
                    "body": body["body"],
                    "labels": [{"name": n} for n in body.get("labels", [])],
                    "state": "open",
                    "user": dict(BOT),
                    "author_association": "NONE",
                    "html_url": f"https://github.test/{self.repository}/issues/{number}",
                }
                return 201, {}, self.issues[number]
        if (m := re.fullmatch(rf"/repos/{repo}/issues/(\d+)", path)) and method == "PATCH":
            issue = self.issues.get(int(m[1]))
            if issue is None:
                return 404, {}, {"message": "Not Found"}
            issue.update({k: v for k, v in body.items() if k in ("body", "state", "title")})
            return 200, {}, issue
        if (m := re.fullmatch(rf"/repos/{repo}/commits/([0-9a-f]+)/pulls", path)) and (
            method == "GET"
        ):
            return self._list(path, self.pulls_by_commit.get(m[1], []), query)
        return 404, {}, {"message": "Not Found"}

    def _list(
        self, path: str, items: list[dict[str, Any]], query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if self.send_link_headers and page * per_page < len(items):
            headers["Link"] = (
                f'<{self.url}{path}?per_page={per_page}&page={page + 1}>; rel="next", '
                f"<{self.url}{path}?per_page={per_page}&page={-(-len(items) // per_page)}>; "
                'rel="last"'
            )
        return 200, headers, chunk


def serve_fake_github(fake: FakeGitHub) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve `fake` on 127.0.0.1 on a free port; sets `fake.url`."""

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, headers, payload = fake.handle(
                self.command, self.path, self.headers.get("Authorization"), raw
            )
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
