"""The playground's web server: the page, one WebSocket per tab, downloads.

Protocol (JSON text messages on ``/ws``; the server answers each message
with exactly one message, so a tab that stops asking stops its training):

* server → page on connection: ``{"type": "hello", "session", "version",
  "datasets", "limits"}``
* page → server ``{"type": "config", "config": {query}}``: (re)start the run
  with these controls → ``{"type": "data", ...}`` (the points, the split,
  the normalised controls) or ``{"type": "error", "where": "config", ...}``
* page → server ``{"type": "step", "epochs": k}``: train ``k`` more epochs
  (at most ``Limits.max_epochs_per_tick``, and fewer when a step takes longer
  than ``Limits.tick_budget_s``) → ``{"type": "frame", ...}``
  (:meth:`TrainingSession.step`) or ``{"type": "error", "where": "step", ...}``
* server → page before it closes the socket: ``{"type": "closing", "reason"}``

A message that is not such an object (not JSON, too long, nested, with NaN
or a list where a value goes) is answered ``{"type": "error", "where":
"message", ...}`` and the tab goes on; error messages quote a refused value
cut short.

HTTP: ``GET /`` the page, ``/static/...`` its files, ``GET /api/status``,
``GET /api/datasets``, and for an open tab ``POST /api/sessions/{id}/upload``
(the CSV file as the request body; 400 with ``{"error"}`` when malformed),
``GET /api/sessions/{id}/model`` (a ``barenet.load`` file) and
``GET /api/sessions/{id}/snippet`` (Python code).

A tab's run lives exactly as long as its WebSocket: closing the tab frees it.
The number of tabs, a run's lifetime, its idle time, its epochs and the size
of a message are capped (:class:`Limits`).

Only requests addressed to this server are answered: the ``Host`` header
must be one of the server's own addresses with its port
(:func:`~barenet.web.hosts.hosts_for`),
and a WebSocket or an upload that comes from a page must come from a page of
this server (its ``Origin``).  See :class:`~barenet.web.hosts.OwnPagesOnly` for why.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from .._text import shorten
from .._version import __version__
from ..training import DivergenceError
from .config import dataset_catalogue, parse_config
from .hosts import OwnPagesOnly, canonical_hosts
from .messages import read_message, whole_number
from .session import SessionError, TrainingSession
from .upload import UploadedData, parse_upload

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("barenet.web")

# The page loads nothing from elsewhere, and this says so to the browser too.
_CSP = ("default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class Limits:
    """Bounds on what the server does for its tabs.

    Attributes
    ----------
    max_sessions : int
        Tabs served at once; one more is told to close one.
    lifetime_s : float
        Seconds a tab's connection (and run) may last.
    idle_s : float
        Seconds without a message before a tab's run is closed.
    max_epochs : int
        Epochs one run may train before it must be reset.
    max_epochs_per_tick : int
        Epochs one step request may ask for.
    tick_budget_s : float
        Seconds after which a step trains no further epoch (it trains at least one).
    max_upload_bytes, max_upload_rows : int
        Size of an uploaded CSV file.
    max_message_bytes : int
        Size of a message from a tab (one is a few hundred bytes); a longer
        one is answered with an error.
    """

    max_sessions: int = 8
    lifetime_s: float = 3600.0
    idle_s: float = 600.0
    max_epochs: int = 100_000
    max_epochs_per_tick: int = 50
    tick_budget_s: float = 0.5
    max_upload_bytes: int = 1_000_000
    max_upload_rows: int = 2000
    max_message_bytes: int = 65_536


@dataclass
class _Tab:
    """What the server holds for one open tab."""

    id: str
    created: float = field(default_factory=time.monotonic)
    session: TrainingSession | None = None
    upload: UploadedData | None = None


class _Tabs:
    """Open tabs by id; used from the event loop only."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._tabs: dict[str, _Tab] = {}

    def open(self) -> _Tab | None:
        if len(self._tabs) >= self.limits.max_sessions:
            return None
        tab = _Tab(secrets.token_urlsafe(16))
        self._tabs[tab.id] = tab
        return tab

    def get(self, tab_id: str) -> _Tab | None:
        return self._tabs.get(tab_id)

    def close(self, tab_id: str) -> None:
        self._tabs.pop(tab_id, None)

    def __len__(self) -> int:
        return len(self._tabs)


# -- the WebSocket ---------------------------------------------------------------------
def _error(where: str, message: str) -> dict[str, Any]:
    return {"type": "error", "where": where, "message": message}


async def _configure(tab: _Tab, message: dict[str, Any]) -> dict[str, Any]:
    query = message.get("config", {})
    if not isinstance(query, dict):
        return _error("config", "config must be an object of control names and values, "
                      f"got {shorten(query)}")
    try:
        config = parse_config(query)
        session = await run_in_threadpool(TrainingSession, config, tab.upload)
    except (ValueError, TypeError) as exc:
        return _error("config", str(exc))
    if tab.session is not None:
        tab.session.stop()
    tab.session = session
    return {"type": "data", **session.describe()}


async def _step(tab: _Tab, message: dict[str, Any], limits: Limits) -> dict[str, Any]:
    session = tab.session
    if session is None:
        return _error("step", "nothing to train yet: send a config first")
    epochs = whole_number(message.get("epochs", 1))
    if epochs is None or epochs < 1:
        return _error("step", "epochs must be a whole number of at least 1, "
                      f"got {shorten(message.get('epochs'))}")
    if session.epoch >= limits.max_epochs:
        return _error("step", f"this run reached the limit of {limits.max_epochs} epochs; "
                      "reset it to train again")
    epochs = min(epochs, limits.max_epochs_per_tick, limits.max_epochs - session.epoch)
    try:
        frame = await run_in_threadpool(session.step, epochs, limits.tick_budget_s)
    except (DivergenceError, SessionError) as exc:
        return _error("step", str(exc))
    return {"type": "frame", **frame}


async def _answer(tab: _Tab, text: str, limits: Limits) -> dict[str, Any]:
    try:
        message = read_message(text, limits.max_message_bytes)
    except ValueError as exc:
        return _error("message", str(exc))
    kind = message.get("type")
    try:
        if kind == "config":
            return await _configure(tab, message)
        if kind == "step":
            return await _step(tab, message, limits)
    except Exception:  # a bug must not take the tab down without a word
        log.exception("playground request failed")
        return _error(str(kind), "the server failed on this request (its log says why); "
                      "reset the run")
    return _error("message", f"unknown message type {shorten(kind)}; "
                  "expected 'config' or 'step'")


async def _socket(ws: WebSocket) -> None:
    tabs: _Tabs = ws.app.state.tabs
    limits = tabs.limits
    await ws.accept()
    tab = tabs.open()
    if tab is None:
        await ws.send_json({"type": "closing", "reason": (
            f"this server already runs {limits.max_sessions} playground tabs; "
            "close one and reload this page")})
        await ws.close(code=1013)
        return
    try:
        await ws.send_json({"type": "hello", "session": tab.id, "version": __version__,
                            "datasets": dataset_catalogue(), "limits": asdict(limits)})
        while True:
            left = tab.created + limits.lifetime_s - time.monotonic()
            try:
                received = await asyncio.wait_for(ws.receive(), max(0.0, min(limits.idle_s, left)))
            except asyncio.TimeoutError:
                reason = (f"this tab was idle for {limits.idle_s:g} s" if left > limits.idle_s
                          else f"this tab reached the {limits.lifetime_s:g} s limit of a run")
                await ws.send_json({"type": "closing", "reason": reason + "; reload to go on"})
                await ws.close(code=1000)
                break
            if received["type"] == "websocket.disconnect":
                break
            text = received.get("text")
            if text is None:
                reply = _error("message", "messages must be JSON text")
            else:
                reply = await _answer(tab, text, limits)
            await ws.send_json(reply)
    except WebSocketDisconnect:
        pass
    finally:
        # NOTE: a step still running in its thread ends after its current epoch.
        if tab.session is not None:
            tab.session.stop()
        tabs.close(tab.id)


# -- HTTP ------------------------------------------------------------------------------
def _tab(request: Request) -> _Tab | None:
    return request.app.state.tabs.get(request.path_params["tab"])


def _no_tab() -> JSONResponse:
    return JSONResponse({"error": "no open playground tab with this id; reload the page"},
                        status_code=404)


async def _page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={
        "Cache-Control": "no-cache", "Content-Security-Policy": _CSP})


async def _status(request: Request) -> Response:
    tabs: _Tabs = request.app.state.tabs
    return JSONResponse({"version": __version__, "sessions": len(tabs),
                         "max_sessions": tabs.limits.max_sessions})


async def _datasets(request: Request) -> Response:
    return JSONResponse(dataset_catalogue())


async def _upload(request: Request) -> Response:
    tab = _tab(request)
    if tab is None:
        return _no_tab()
    limits: Limits = request.app.state.tabs.limits
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.max_upload_bytes:
            return JSONResponse({"error": f"the file is larger than {limits.max_upload_bytes} "
                                 "bytes; upload a smaller CSV file"}, status_code=413)
    try:
        data = await run_in_threadpool(parse_upload, bytes(body),
                                       request.query_params.get("name"),
                                       limits.max_upload_rows)
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    tab.upload = data
    return JSONResponse(data.summary())


async def _download(request: Request, what: str) -> Response:
    tab = _tab(request)
    if tab is None:
        return _no_tab()
    session = tab.session
    if session is None:
        return JSONResponse({"error": "nothing trained yet"}, status_code=409)
    try:
        if what == "model":
            content: bytes | str = await run_in_threadpool(session.model_file)
            media, suffix = "application/octet-stream", "npz"
        else:
            content = await run_in_threadpool(session.snippet)
            media, suffix = "text/x-python; charset=utf-8", "py"
    except SessionError as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    name = f"{session.file_stem()}.{suffix}"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


async def _model(request: Request) -> Response:
    return await _download(request, "model")


async def _snippet(request: Request) -> Response:
    return await _download(request, "snippet")


def create_app(limits: Limits | None = None,
               allowed_hosts: Iterable[str] | None = None) -> Starlette:
    """The playground as an ASGI application.

    Parameters
    ----------
    limits : Limits, optional
        Default :class:`Limits()`.
    allowed_hosts : iterable of str, optional
        The ``Host`` values answered, ``host[:port]`` (see
        :func:`~barenet.web.hosts.hosts_for`;
        Starlette's ``TestClient`` sends ``"testserver"``).  Default: the
        loopback names on the port each connection arrived at.

    Returns
    -------
    starlette.applications.Starlette

    Raises
    ------
    ValueError
        If an allowed host is not a ``host[:port]`` value.
    """
    allowed = None if allowed_hosts is None else canonical_hosts(allowed_hosts)
    app = Starlette(routes=[
        Route("/", _page),
        Route("/api/status", _status),
        Route("/api/datasets", _datasets),
        Route("/api/sessions/{tab}/upload", _upload, methods=["POST"]),
        Route("/api/sessions/{tab}/model", _model),
        Route("/api/sessions/{tab}/snippet", _snippet),
        WebSocketRoute("/ws", _socket),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ], middleware=[Middleware(OwnPagesOnly, allowed=allowed)])
    app.state.tabs = _Tabs(limits or Limits())
    return app
