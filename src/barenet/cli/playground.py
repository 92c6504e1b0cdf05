"""``barenet playground``: the interactive page, served on this computer."""

from __future__ import annotations

import argparse
import sys

from ._shared import EXIT_OK, EXIT_USAGE, Command


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {text!r}")
    return int(text)


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=_port, default=8765,
                   help="port to listen on (default: 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")


def _importable(name: str) -> bool:
    import importlib.util

    if name in sys.modules and sys.modules[name] is None:  # its import is blocked
        return False
    return importlib.util.find_spec(name) is not None


def missing_packages() -> list[str]:
    """What the page needs and is not installed: the web framework, the server, and a
    WebSocket implementation for the server (websockets or wsproto), without which
    the page loads but cannot train.

    Returns
    -------
    list of str
        Package names; empty when the playground can run.
    """
    missing = [m for m in ("starlette", "uvicorn") if not _importable(m)]
    if not any(_importable(m) for m in ("websockets", "wsproto")):
        missing.append("websockets")
    return missing


def _run(args: argparse.Namespace) -> int:
    """Serve the page until Ctrl-C; exit 2 when the web extra is not installed."""
    missing = missing_packages()
    if missing:
        print(f"barenet: error: the playground needs {' and '.join(missing)}: "
              "pip install 'barenet[web]'", file=sys.stderr)
        return EXIT_USAGE
    from ..web.serve import serve

    try:
        serve(host=args.host, port=args.port, open_browser=not args.no_browser)
    except KeyboardInterrupt:  # Ctrl-C is how a server is stopped: not a failure
        print("barenet playground stopped", file=sys.stderr)
    return EXIT_OK


COMMAND = Command(
    "playground", help="the interactive page, on 127.0.0.1",
    description="Serve the playground, a page where a network trains live on a toy "
    "dataset or your CSV file (barenet itself, not a copy), and open it in the browser. "
    "Needs the web extra: pip install 'barenet[web]'.",
    add_options=_add_options, run=_run)
