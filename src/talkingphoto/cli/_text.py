"""The ``--text`` / ``--text-file`` pair shared by commands that read text aloud."""

from ..errors import ParameterError

__all__ = ["text_argument"]


def text_argument(args) -> str | None:
    """The text given with ``--text`` or read from ``--text-file`` (UTF-8), or None."""
    if args.text_file is None:
        return args.text
    if args.text is not None:
        raise ParameterError("give --text or --text-file, not both")
    try:
        return args.text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read --text-file {args.text_file}: {exc}") from exc
