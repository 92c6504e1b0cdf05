"""Running the playground: ``barenet playground``, or beside a notebook or a test.

The socket is bound before the server starts, so a taken port is a clear
error (and port 0 picks a free one), and the URL printed is one that answers.
Only that address, the loopback names and the address asked for are answered,
on that port (:func:`~barenet.web.hosts.hosts_for`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import webbrowser
from collections.abc import Iterator

import uvicorn

from .hosts import hosts_for
from .server import Limits, create_app


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections wait for the server from now on, never refused
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another "
                         "playground running there? Choose another --port") from None
    sock.set_inheritable(True)
    return sock


def _server(limits: Limits | None, host: str, sock: socket.socket) -> uvicorn.Server:
    limits = limits or Limits()
    bound, port = sock.getsockname()[:2]
    app = create_app(limits, allowed_hosts=hosts_for(port, host, bound))
    # The app answers a message over max_message_bytes with an error; one far over it
    # is not even read (the connection closes, 1009). No proxy stands in front, so
    # X-Forwarded-* headers are anybody's and are not applied.
    config = uvicorn.Config(app, log_level="warning", ws_ping_interval=20,
                            ws_ping_timeout=20, timeout_graceful_shutdown=3,
                            ws_max_size=2 * limits.max_message_bytes, proxy_headers=False)
    return uvicorn.Server(config)


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          limits: Limits | None = None) -> None:
    """Serve the playground until Ctrl-C.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        Address to listen on; the default is reachable from this computer only.
        Requests are answered when addressed to it, to its loopback names
        (127.0.0.1, localhost, [::1]) or, for 0.0.0.0 and ::, to any IP address,
        always with the port: never to another name, against DNS rebinding.
    port : int, default 8765
        0 picks a free port.
    open_browser : bool, default True
        Open the page in the default web browser.
    limits : Limits, optional

    Raises
    ------
    ValueError
        If the address cannot be listened on (e.g. the port is taken).
    """
    sock = _bind(host, port)
    url = _url(sock)
    print(f"barenet playground on {url} (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    _server(limits, host, sock).run(sockets=[sock])


@contextlib.contextmanager
def running(limits: Limits | None = None, host: str = "127.0.0.1",
            port: int = 0) -> Iterator[str]:
    """Serve the playground from a background thread, e.g. beside a notebook or a test.

    Parameters
    ----------
    limits : Limits, optional
    host : str, default "127.0.0.1"
    port : int, default 0
        0 picks a free port.

    Yields
    ------
    str
        The page's URL; the server stops when the ``with`` block ends.
    """
    sock = _bind(host, port)
    server = _server(limits, host, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="barenet-playground")
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the playground server did not start")
            time.sleep(0.02)
        yield _url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
