"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between a store and HQ.

It understands just enough HTTP (a request head, a Content-Length body; the same for the reply) to act per
request. Each rule matches a method and path prefix and fires a set number of times:
- `lose_response`: forward the request, read HQ's whole reply (so HQ has committed), then reset the
  connection to the client instead of answering;
- `reset_mid_body`: send HQ the head and half of the body, then reset both connections;
- `drop`: reset the client's connection without contacting HQ;
- `before_response` / `after_request` callbacks: run test code once HQ has replied (e.g. SIGKILL the client
  before it can acknowledge) or once the request is sent (e.g. SIGKILL HQ mid-batch).
Every request body that passes is recorded, so a test can replay an old batch.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Rule:
    method: str
    path: str
    action: str  # lose_response | reset_mid_body | drop | callback
    times: int = 1
    before_response: Callable[[], None] | None = None
    after_request: Callable[[], None] | None = None
    fired: int = 0
    # only requests whose body holds this: a till pushes its entries and its documents at once, so "the
    # first POST /v1/push" may be either; b'"entries"' picks the entries'
    body_has: bytes = b""


def _reset(sock: socket.socket) -> None:
    try:  # SO_LINGER 0: close sends RST, the way a dropped link looks to the other end
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def _read_message(sock: socket.socket, buffer: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(head, body, leftover) of one HTTP message, or None if the peer closed first."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n", rest[:length], rest[length:]


@dataclass
class FaultProxy:
    upstream_port: int
    rules: list[Rule] = field(default_factory=list)
    bodies: list[tuple[str, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _match(self, method: str, path: str, body: bytes) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if (rule.fired < rule.times and method == rule.method and path.startswith(rule.path)
                        and rule.body_has in body):
                    rule.fired += 1
                    return rule
        return None

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        buffer = b""
        try:
            while True:
                message = _read_message(client, buffer)
                if message is None:
                    client.close()
                    return
                head, body, buffer = message
                method, path = head.split(b" ", 2)[:2]
                rule = self._match(method.decode(), path.decode(), body)
                if rule is not None and rule.action == "drop":
                    _reset(client)
                    return
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                if rule is not None and rule.action == "reset_mid_body":
                    upstream.sendall(head + body[: len(body) // 2])
                    _reset(upstream)
                    _reset(client)
                    return
                upstream.sendall(head + body)
                self.bodies.append((path.decode(), body))
                if rule is not None and rule.after_request:
                    rule.after_request()
                reply = _read_message(upstream, b"")
                upstream.close()
                if reply is None:  # HQ died mid-request: the client sees its connection reset
                    _reset(client)
                    return
                if rule is not None and rule.before_response:
                    rule.before_response()
                if rule is not None and rule.action == "lose_response":
                    _reset(client)
                    return
                client.sendall(reply[0] + reply[1])
        except OSError:
            _reset(client)
