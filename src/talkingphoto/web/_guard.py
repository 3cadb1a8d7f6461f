"""Who may talk to the studio, and how much they may send: checked before any route runs."""

import hmac
import ipaddress
import json
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from starlette.exceptions import HTTPException

__all__ = ["TOKEN_COOKIE", "Guard", "is_loopback"]

TOKEN_COOKIE = "talkingphoto_token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_loopback(host: str) -> bool:
    """True for names and addresses of this machine only (127.0.0.0/8, ::1, localhost).

    Only address literals count, never names that merely start like one: a page served
    from ``127.attacker.example`` must not pass for this machine.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Guard:
    """ASGI middleware: access token, local-only mode, cross-site refusal and a body size cap.

    Without a token the studio serves only this machine: the client address and the ``Host``
    header must both be local (the latter stops DNS-rebinding pages). With a token, every
    request must carry it as ``Authorization: Bearer``, the ``talkingphoto_token`` cookie or,
    once, ``?token=`` on the page address (the page then keeps it in the cookie). Requests
    that change something are refused when the browser says they come from another site.
    """

    def __init__(self, app, *, token: str | None, max_body: int):
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            return await _send_json(send, *refusal)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            return await _send_json(send, 413, _too_large(self.max_body))

        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # Sent without a Content-Length (chunked): stop reading at the limit.
                    raise HTTPException(413, _too_large(self.max_body))
            return message

        await self.app(scope, limited_receive, send)

    def _refusal(self, scope, headers) -> tuple | None:
        if scope["method"] not in _SAFE_METHODS:
            origin = headers.get("origin")
            host = headers.get("host", "")
            if headers.get("sec-fetch-site") == "cross-site" or (
                origin and origin != "null" and urlsplit(origin).netloc != host
            ):
                return 403, "requests from other web sites are refused"
        if self.token is None:
            client = scope.get("client") or ("", 0)
            host = urlsplit("//" + headers.get("host", "")).hostname or ""
            if not is_loopback(client[0]) or not is_loopback(host):
                return 403, (
                    "this studio only serves this computer; restart it with --token to open it to others"
                )
            return None
        if not any(hmac.compare_digest(given.encode(), self.token.encode()) for given in _tokens(scope, headers)):
            return 401, (
                "this studio needs its access token: open the address printed by `talkingphoto serve`"
                " (it ends in ?token=...) or send 'Authorization: Bearer TOKEN'"
            )
        return None


def _tokens(scope, headers) -> list:
    found = []
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value:
        found.append(value.strip())
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except CookieError:
        cookie = {}
    if TOKEN_COOKIE in cookie:
        found.append(cookie[TOKEN_COOKIE].value)
    found += parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return found


def _too_large(limit: int) -> str:
    return f"the upload is too large: at most {limit / 1024 / 1024:.0f} MB per request"


async def _send_json(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
