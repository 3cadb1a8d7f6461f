"""``talkingphoto serve``: the studio web app on this computer (or, with a token, the network)."""

import errno
import os
import secrets
import socket
from pathlib import Path

from .._memory import limit_malloc_arenas
from ..errors import MissingDependencyError, ParameterError

TOKEN_ENV = "TALKINGPHOTO_TOKEN"
DEFAULT_MAX_QUEUED = 100
_INSTALL = "pip install 'talkingphoto[web]'"


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/talkingphoto`` (``~/.local/share/talkingphoto`` by default)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "talkingphoto"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "serve",
        help="run the studio web app",
        description="Run the studio: a web page to make pictures talk, with a render queue that "
        "survives restarts. Open the printed address in a browser.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this computer only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", type=Path, default=None, help=f"jobs and videos (default: {default_data_dir()})")
    p.add_argument("--workers", type=int, default=1, help="renders at once (about one core each)")
    p.add_argument(
        "--max-queued",
        type=int,
        default=DEFAULT_MAX_QUEUED,
        help="jobs that may wait in the queue; more are refused until some finish (default: %(default)s)",
    )
    p.add_argument(
        "--token",
        help=f"access token, required when --host is not local (or set {TOKEN_ENV}); "
        "'new' makes a random one",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        import uvicorn

        from ..web import create_app, is_loopback
    except ImportError as exc:
        raise MissingDependencyError(f"the studio needs the web extra: {_INSTALL}") from exc
    if args.workers < 1:
        raise ParameterError(f"--workers must be at least 1, got {args.workers}")
    if args.max_queued < 1:
        raise ParameterError(f"--max-queued must be at least 1, got {args.max_queued}")
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if token == "new":
        token = secrets.token_urlsafe(24)
    if token is None and not is_loopback(args.host):
        raise ParameterError(
            f"serving on {args.host} opens the studio to the network: give --token SECRET "
            f"(or --token new, or set {TOKEN_ENV})"
        )
    if token is not None and len(token) < 12:
        raise ParameterError("the token must have at least 12 characters; --token new makes a strong one")
    data_dir = args.data_dir or default_data_dir()
    from ..jobs import JobStore

    JobStore(data_dir).close()  # a folder another server holds is refused here, in one line
    limit_malloc_arenas()  # before any worker or request thread: an idle server shrinks back
    app = create_app(data_dir=data_dir, workers=args.workers, token=token, max_queued=args.max_queued)
    listening = _listen(args.host, args.port)  # a port in use is refused before the banner
    port = listening.getsockname()[1]
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    address = f"http://{shown_host}:{port}/"
    if token is not None:
        address += f"?token={token}"
    print(f"talkingphoto studio: open {address}  (jobs in {data_dir}; Ctrl-C stops)", flush=True)
    # Open progress streams would hold a stop until their job ends: give them a few seconds.
    config = uvicorn.Config(app, host=args.host, port=port, log_level="warning", timeout_graceful_shutdown=3)
    try:
        uvicorn.Server(config).run(sockets=[listening])
    except KeyboardInterrupt:
        pass  # the server has shut down cleanly and passed Ctrl-C on: it is how one stops it
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``, or a one-line error saying why it cannot be."""
    if not 0 <= port <= 65535:
        raise ParameterError(f"--port must be 0..65535, got {port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ParameterError(f"--host {host} is not an address this computer can listen on ({exc.strerror})") from exc
    listening = socket.socket(family, kind, proto)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restarts need no wait
    try:
        listening.bind(address)
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            raise ParameterError(f"port {port} on {host} is taken by another program: choose another --port") from exc
        if exc.errno == errno.EACCES:
            raise ParameterError(f"port {port} needs administrator rights: choose a --port above 1023") from exc
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ParameterError(f"--host {host} is not an address of this computer") from exc
        raise ParameterError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    listening.listen(2048)  # browsers that come before the app has started wait in the backlog
    return listening
