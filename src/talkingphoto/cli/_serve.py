"""``talkingphoto serve``: the studio web app on this computer (or, with a token, the network)."""

import os
import secrets
from pathlib import Path

from ..errors import MissingDependencyError, ParameterError

TOKEN_ENV = "TALKINGPHOTO_TOKEN"
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
    app = create_app(data_dir=data_dir, workers=args.workers, token=token)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    address = f"http://{shown_host}:{args.port}/"
    if token is not None:
        address += f"?token={token}"
    print(f"talkingphoto studio: open {address}  (jobs in {data_dir}; Ctrl-C stops)", flush=True)
    # Open progress streams would hold a stop until their job ends: give them a few seconds.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=3)
    return 0
