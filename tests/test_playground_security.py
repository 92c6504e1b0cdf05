"""What the playground refuses: other sites' pages, other names, and malformed messages.

A page of any site can make the browser talk to 127.0.0.1, and with DNS
rebinding read the answers; these tests play that page (a foreign ``Host``,
a foreign ``Origin``) against the app and against the real server, and send
the messages a hostile or broken client would.
"""

from __future__ import annotations

import http.client
import json
import socket
import warnings

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("httpx", reason="httpx (Starlette's test client) is not installed")

with warnings.catch_warnings():  # newer Starlette prefers httpx2, and works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from barenet._text import shorten
from barenet.web.config import parse_config
from barenet.web.hosts import hosts_for
from barenet.web.server import Limits, create_app

PORT = 8765
HERE = f"127.0.0.1:{PORT}"
FOREIGN_HOSTS = [
    f"evil.example:{PORT}", "evil.example", f"localhost.:{PORT}", "127.0.0.1:8766",
    "localhost", f"user@localhost:{PORT}", f"127.0.0.1:{PORT}.evil.example",
    f"localhost:0{PORT}", f"[::2]:{PORT}", f"192.168.1.5:{PORT}", "x" * 5000,
]
OWN_HOSTS = [HERE, f"localhost:{PORT}", f"LocalHost:{PORT}", f"[::1]:{PORT}",
             f"[0:0::1]:{PORT}"]
ROUTES = [("GET", "/"), ("GET", "/api/status"), ("GET", "/api/datasets"),
          ("GET", "/static/js/main.js"), ("GET", "/api/sessions/abc/model"),
          ("POST", "/api/sessions/abc/upload")]
SHORT = 300  # characters: no error answer is longer, whatever was sent


@pytest.fixture
def client():
    app = create_app(Limits(max_epochs_per_tick=3), allowed_hosts=hosts_for(PORT))
    with TestClient(app, base_url=f"http://{HERE}") as c:
        yield c


def _ws(client, headers=None):
    # NOTE: the TestClient's sockets go to ws://testserver unless given a whole URL
    return client.websocket_connect(f"ws://{HERE}/ws", headers=dict(headers or {}))


def _refused_socket(client, headers):
    with pytest.raises(WebSocketDisconnect) as info:
        with _ws(client, headers) as ws:
            ws.receive_json()
    assert info.value.code == 1008  # policy violation, before the socket is accepted


# -- Host -----------------------------------------------------------------------------
@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_a_foreign_host_is_refused_on_every_route(client, host):
    for method, path in ROUTES:
        response = client.request(method, path, headers={"host": host}, content=b"x,y\n")
        assert response.status_code == 400, (host, path)
        assert f"http://{HERE}/" in response.text and len(response.text) < SHORT
    _refused_socket(client, {"host": host})


@pytest.mark.parametrize("host", OWN_HOSTS)
def test_the_own_addresses_are_answered(client, host):
    assert client.get("/api/status", headers={"host": host}).status_code == 200
    with _ws(client, {"host": host}) as ws:
        assert ws.receive_json()["type"] == "hello"


def test_listening_on_every_address_answers_ip_addresses_never_names():
    app = create_app(allowed_hosts=hosts_for(PORT, "0.0.0.0"))
    with TestClient(app, base_url=f"http://{HERE}") as client:
        for host in (f"192.168.1.5:{PORT}", f"[fe80::1]:{PORT}", f"localhost:{PORT}"):
            assert client.get("/api/status", headers={"host": host}).status_code == 200
        for host in (f"evil.example:{PORT}", "192.168.1.5:8766", "192.168.1.5"):
            assert client.get("/api/status", headers={"host": host}).status_code == 400
        lan = f"192.168.1.5:{PORT}"
        with _ws(client, {"host": lan,
                                                      "origin": f"http://{lan}"}) as ws:
            assert ws.receive_json()["type"] == "hello"
        # Any IP address is a Host, but a page served from another one is not ours.
        _refused_socket(client, {"host": lan, "origin": f"http://203.0.113.9:{PORT}"})


def test_a_named_address_is_answered_besides_the_loopback_ones():
    app = create_app(allowed_hosts=hosts_for(PORT, "192.168.1.5", "mybox.lan"))
    with TestClient(app, base_url=f"http://{HERE}") as client:
        for host, status in ((f"192.168.1.5:{PORT}", 200), (f"MyBox.lan:{PORT}", 200),
                             (f"10.0.0.1:{PORT}", 400), (HERE, 200)):
            assert client.get("/", headers={"host": host}).status_code == status, host


def test_by_default_the_loopback_names_on_the_connections_port_are_answered():
    with TestClient(create_app(), base_url="http://localhost:9000") as client:
        assert client.get("/api/status").status_code == 200
        assert client.get("/api/status", headers={"host": "127.0.0.1:9000"}).status_code == 200
        assert client.get("/api/status", headers={"host": "testserver"}).status_code == 400
        assert client.get("/api/status", headers={"host": "localhost:9001"}).status_code == 400


def test_a_malformed_allowed_host_is_refused_at_once():
    with pytest.raises(ValueError, match="not a host"):
        create_app(allowed_hosts=["127.0.0.1:port"])


# -- Origin ---------------------------------------------------------------------------
@pytest.mark.parametrize("origin", [
    f"https://{HERE}", f"ws://{HERE}", f"http://evil.example:{PORT}", "null",
    "http://localhost:3000", "http://127.0.0.1", f"http://{HERE}/page", f"HTTP//{HERE}", "",
])
def test_a_page_of_another_site_cannot_open_a_socket_nor_upload(client, origin):
    # "" is an Origin header sent empty, which no browser sends: refused as well
    headers = {"origin": origin}
    _refused_socket(client, headers)
    response = client.post("/api/sessions/abc/upload", headers=headers, content=b"a")
    assert response.status_code == 403 and len(response.text) < SHORT


def test_own_pages_and_clients_without_an_origin_are_served(client):
    for headers in ({}, {"origin": f"http://{HERE}"}, {"origin": f"http://localhost:{PORT}"},
                    {"origin": f"http://[::1]:{PORT}", "host": f"localhost:{PORT}"}):
        with _ws(client, headers) as ws:
            assert ws.receive_json()["type"] == "hello"
        response = client.post("/api/sessions/nope/upload", headers=headers, content=b"a")
        assert response.status_code == 404  # past the check, to the route: no such tab
    # Reading is not refused on an Origin: a browser does not let other sites read it.
    assert client.get("/", headers={"origin": "http://evil.example"}).status_code == 200


# -- messages -------------------------------------------------------------------------
BIG = "x" * 60_000
BAD_MESSAGES = [
    ("[" * 100_000, "at most 65536"),
    ("[" * 1000, "nests too deeply"),
    ("{" + '"a": 0, ' * 500 + '"type": "step"}', "too many items"),
    ("x" * 100_000, "at most 65536"),
    ('{"type": "step", "epochs": Infinity}', "finite"),
    ('{"type": "step", "epochs": -Infinity}', "finite"),
    ('{"type": "step", "epochs": NaN}', "finite"),
    ('{"type": "config", "config": {"lr": NaN}}', "finite"),
    ('{"type": "step", "epochs": 1e400}', "whole number"),
    ('{"type": "step", "epochs": 1' + "0" * 5000 + "}", "at most 30 digits"),
    ('{"type": "step", "epochs": true}', "whole number"),
    ('{"type": "step", "epochs": 2.5}', "whole number"),
    ('{"type": "step", "epochs": 0}', "at least 1"),
    ('{"type": "step", "epochs": "3"}', "whole number"),
    ('{"type": "step", "epochs": [3]}', "got [3]"),
    ('{"type": "config", "config": [1, 2]}', "got [1, 2]"),
    ('{"type": "config", "config": "' + BIG + '"}', "config must be an object"),
    ('{"type": "config", "config": {"hidden": [8, 8]}}', "hidden must be text or a number"),
    ('{"type": "config", "config": {"samples": {"n": 5}}}', "got {'n': 5}"),
    ('{"type": "config", "config": {"lr": true}}', "got True"),
    ('{"type": "config", "config": {"dataset": "' + BIG + '"}}', "has 60000 characters"),
    ('{"type": "config", "config": {"dataset": "' + "x" * 60 + '"}}', "unknown dataset"),
    ('{"type": "config", "config": {"hidden": "' + BIG + '"}}', "has 60000 characters"),
    ('{"type": "config", "config": {"hidden": "' + "x" * 60 + '"}}', "comma-separated"),
    ('{"type": "config", "config": {"samples": ' + "9" * 30 + "}}", "between 20 and 2000"),
    ('{"type": "config", "config": {"samples": "' + "9" * 4000 + '"}}', "has 4000 characters"),
    ('{"type": "' + BIG + '"}', "unknown message type"),
    ('{"type": {"a": 1}}', "unknown message type {'a': 1}"),
    ('"' + BIG + '"', "must be JSON objects"),
    ("null", "must be JSON objects"),
    ("{not json", "must be JSON objects"),
]


def _still_works(ws):
    ws.send_json({"type": "config", "config": {"dataset": "xor", "hidden": "3"}})
    assert ws.receive_json()["type"] == "data"
    ws.send_json({"type": "step", "epochs": 2})
    assert ws.receive_json()["epoch"] == 2


@pytest.mark.parametrize("text, words", BAD_MESSAGES,
                         ids=[f"{i}:{t[:20]}" for i, (t, _) in enumerate(BAD_MESSAGES)])
def test_a_malformed_message_gets_a_short_error_and_the_tab_goes_on(client, text, words):
    with _ws(client) as ws:
        ws.receive_json()
        ws.send_json({"type": "config", "config": {}})
        assert ws.receive_json()["type"] == "data"
        ws.send_text(text)
        raw = ws.receive_text()
        reply = json.loads(raw)
        assert reply["type"] == "error" and words in reply["message"], reply
        assert len(raw) < SHORT and "x" * 41 not in raw and "9" * 41 not in raw
        _still_works(ws)


def test_binary_frames_and_a_flood_of_messages_are_answered_one_by_one(client):
    with _ws(client) as ws:
        ws.receive_json()
        ws.send_bytes(b"\x00" * 1000)
        assert ws.receive_json()["message"] == "messages must be JSON text"
        ws.send_json({"type": "step"})
        assert "send a config first" in ws.receive_json()["message"]
        for i in range(100):
            ws.send_text("[]" if i % 2 else '{"type": "step", "epochs": NaN}')
        replies = [ws.receive_json() for _ in range(100)]
        assert all(r["type"] == "error" and r["where"] == "message" for r in replies)
        _still_works(ws)


@pytest.mark.parametrize("query, words", [
    ({"samples": "1" + "0" * 30}, "between 20 and 2000"),
    ({"dataseed": "-1"}, "between 0 and 4294967295"),
    ({"seed": str(2**32)}, "between 0 and 4294967295"),
    ({"train": "9"}, "between 10 and 90"),
    ({"batch": "2001"}, "between 1 and 2000"),
    ({"batch": "9" * 4000}, "batch has 4000 characters; no control takes more than 64"),
    ({"batch": "9" * 30}, "between 1 and 2000"),
    ({"batch": 3.5}, "whole number"),
    ({"hidden": "1," * 30}, "at most 6 hidden layers, got 30"),
    ({"hidden": "0,4"}, "1 to 16 units"),
    ({"lr": "1e400"}, "learning rate must be a number > 0"),
    ({"lr": 11}, "<= 10"),
    ({"l2": "-0.5"}, "L2 penalty must be a number >= 0"),
    ({"noise": "Infinity"}, "noise must be a number"),
    ({"noise": False}, "noise must be text or a number, got False"),
    ({"activation": ["tanh"]}, r"got \['tanh'\]"),
])
def test_every_control_is_checked_and_its_error_is_short(query, words):
    with pytest.raises(ValueError, match=words) as info:
        parse_config(query)
    assert len(str(info.value)) < 150


def test_a_shown_value_is_cut_short():
    assert shorten("iris") == "'iris'"
    assert shorten("x" * 10**6) == "'" + "x" * 36 + "..."
    assert len(shorten(10**4000)) == 40 and shorten(10**5000).startswith("a number")
    assert (shorten({"a": 1}), shorten([1]), shorten(None)) == ("{'a': 1}", "[1]", "None")
    assert shorten({str(i): i for i in range(21)}) == "an object of 21 values"
    assert shorten(list(range(21))) == "a list of 21 values" and len(shorten([0] * 20)) == 40


# -- the real server ------------------------------------------------------------------
def _raw_get(port, host):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", "/api/status", skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_the_real_server_refuses_a_rebound_name_and_serves_its_own():
    pytest.importorskip("uvicorn", reason="the web extra is not installed")
    from websockets.exceptions import ConnectionClosedError, InvalidStatus
    from websockets.sync.client import connect

    from barenet.web.serve import running

    with running(Limits(max_message_bytes=1000)) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        status, body = _raw_get(port, f"evil.example:{port}")
        assert status == 400 and f"http://127.0.0.1:{port}/" in body
        assert _raw_get(port, f"127.0.0.1:{port + 1}")[0] == 400
        assert _raw_get(port, f"localhost:{port}")[0] == 200

        # The browser of a rebinding attack: its name resolves to 127.0.0.1.
        def socket_as(name, origin):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            return connect(f"ws://{name}:{port}/ws", sock=sock, origin=origin,
                           open_timeout=10)

        with pytest.raises(InvalidStatus):
            socket_as("evil.example", f"http://evil.example:{port}")
        with pytest.raises(InvalidStatus):
            socket_as("localhost", f"http://evil.example:{port}")

        with socket_as("localhost", f"http://localhost:{port}") as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            ws.send("x" * 1500)  # over the app's limit, under the server's: an answer
            reply = ws.recv(timeout=10)
            assert "at most 1000" in reply and len(reply) < SHORT
            ws.send(json.dumps({"type": "config", "config": {"dataset": "xor"}}))
            assert json.loads(ws.recv(timeout=10))["type"] == "data"
            ws.send("x" * 10_000)  # far over: the server closes the connection (1009)
            with pytest.raises(ConnectionClosedError) as info:
                ws.recv(timeout=10)
            assert info.value.rcvd is not None and info.value.rcvd.code == 1009
