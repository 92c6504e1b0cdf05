"""Who the playground answers: its own addresses, and pages it served itself.

:func:`hosts_for` lists the ``Host`` values of a server listening on an
address and port; :class:`OwnPagesOnly` is the ASGI middleware that answers
those only, and takes WebSockets and uploads only from the server's own pages
(the ``Origin`` header).  Its docstring says why: DNS rebinding.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import NamedTuple

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .._text import shorten

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


class _Address(NamedTuple):
    host: str
    port: int
    is_ip: bool

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def _address(text: str) -> _Address | None:
    """The address in a ``Host`` value (``name[:port]``), or None if malformed.

    Names are lower-cased, IP addresses written the one way ``ipaddress`` writes them
    (``[0:0::1]`` is ``[::1]``), and a missing port is HTTP's 80.
    """
    text = text.lower()
    if len(text) > 300:  # a DNS name has at most 253 characters
        return None
    port: str | None
    if text.startswith("["):
        inside, bracket, port = text[1:].partition("]")
        try:
            host, is_ip = f"[{ipaddress.IPv6Address(inside)}]", True
        except ValueError:
            return None
        if not bracket or port and not port.startswith(":"):
            return None
        port = port[1:] if port else None
    else:
        host, colon, port = text.partition(":")
        port = port if colon else None
        try:
            host, is_ip = str(ipaddress.IPv4Address(host)), True
        except ValueError:
            is_ip = False
    if port is None:
        return _Address(host, 80, is_ip) if host else None
    if not (host and port.isascii() and port.isdigit() and port[0] != "0"
            and int(port) <= 65535):
        return None
    return _Address(host, int(port), is_ip)


def hosts_for(port: int, *addresses: str) -> list[str]:
    """The ``Host`` values a playground listening on ``addresses`` and ``port`` answers.

    Parameters
    ----------
    port : int
        The port it listens on (known once the socket is bound).
    *addresses : str
        What it was told to listen on, and the address it is bound to, such as
        ``"192.168.1.5"``, ``"::1"`` or ``"mybox.lan"``.  An unspecified address
        (``0.0.0.0``, ``::``) stands for every IP address: see :class:`OwnPagesOnly`.

    Returns
    -------
    list of str
        ``host:port`` values, the loopback names (:data:`LOOPBACK`) first.

    Examples
    --------
    >>> hosts_for(8765, "0.0.0.0")
    ['127.0.0.1:8765', 'localhost:8765', '[::1]:8765', '0.0.0.0:8765']
    """
    names = [*LOOPBACK, *(f"[{a}]" if ":" in a else a for a in addresses if a)]
    return list(dict.fromkeys(f"{name.lower()}:{port}" for name in names))


def canonical_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """``host:port`` values written one way (see :func:`_address`).

    Raises
    ------
    ValueError
        If one is not a ``host[:port]`` value.
    """
    names = []
    for host in hosts:
        address = _address(host)
        if address is None:
            raise ValueError(f"allowed host {shorten(host)} is not a host[:port] value such "
                             "as 127.0.0.1:8765")
        names.append(str(address))
    return tuple(dict.fromkeys(names))


def _answered(address: _Address, allowed: tuple[str, ...]) -> bool:
    if str(address) in allowed:
        return True
    # Listening on every address (0.0.0.0, ::): any IP address, which cannot be rebound.
    wildcards = {f"0.0.0.0:{address.port}", f"[::]:{address.port}"}
    return address.is_ip and not wildcards.isdisjoint(allowed)


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in scope["headers"] if k == name]


class OwnPagesOnly:
    """ASGI middleware: answer requests for this server only, from its own pages only.

    NOTE: a page of any site can make the browser send requests to 127.0.0.1, and with
    DNS rebinding it can even read the answers: its own name, ``evil.example``, first
    resolves to its server and then to 127.0.0.1, so for the browser this server *is*
    ``evil.example``.  Such requests still carry that name in their ``Host`` header, so
    only this server's own addresses are answered.  An IP address cannot be rebound,
    which is why, listening on every address (0.0.0.0 or ::), any IP address with the
    right port is a safe ``Host``.  A WebSocket, and a request that changes something,
    must also come from a page of this server: an ``Origin`` of ``http://`` and an
    allowed host, or the request's own ``Host``.  That rules out a page of another
    server on this computer (``http://localhost:3000``), hence the ports, which
    Starlette's ``TrustedHostMiddleware`` does not compare.  Browsers always send
    ``Host``, and ``Origin`` there; a client without ``Origin`` is no page.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] | None) -> None:
        self.app, self.allowed = app, allowed

    def _problem(self, scope: Scope) -> tuple[int, str] | None:
        allowed = self.allowed
        if allowed is None:  # the loopback names, on the port the connection came to
            port = (scope.get("server") or (None, None))[1]
            allowed = canonical_hosts(hosts_for(port)) if port else ()
        sent = _headers(scope, b"host")
        host = _address(sent[0]) if len(sent) == 1 else None
        if host is None or not _answered(host, allowed):
            where = f"http://{allowed[0]}/" if allowed else "its own address"
            shown = f"Host {shorten(sent[0])}" if len(sent) == 1 else f"{len(sent)} Host headers"
            return 400, (f"this playground answers at {where} (and its other own addresses) "
                         f"only, not to {shown}; open it there")
        origins = _headers(scope, b"origin")
        if not origins or scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            return None
        scheme, sep, rest = origins[0].lower().partition("://")
        page = _address(rest) if sep and scheme == "http" and len(origins) == 1 else None
        if page is None or page != host and str(page) not in allowed:
            return 403, (f"a page of another site ({shorten(origins[0])}) cannot use this "
                         "playground; open the playground at its own address")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = self._problem(scope) if scope["type"] in ("http", "websocket") else None
        if problem is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect; closing now refuses the handshake (403)
            await send({"type": "websocket.close", "code": 1008})
        else:
            await PlainTextResponse(problem[1], status_code=problem[0])(scope, receive, send)
