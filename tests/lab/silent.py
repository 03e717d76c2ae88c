"""A TCP server that accepts connections and never sends a byte.

Stands in for a firewall/middlebox that lets the TCP handshake through but swallows everything
after it (TLS handshake never completes, HTTP never answers): the case where clients hang until
their timeout. Accepted sockets are kept open (not closed, which a client would notice) until
``stop``.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class SilentServer:
    """Listens on ``host``:``port`` (0: random); ``port``, ``address`` and ``url`` (https://localhost:PORT)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.bind((host, port))
        self._listener.listen(64)
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def connection_count(self) -> int:
        return len(self.accepted)

    def _serve(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._listener, selectors.EVENT_READ)
            while not self._stop.is_set():
                if not sel.select(timeout=0.05):
                    continue
                with contextlib.suppress(BlockingIOError, OSError):
                    conn, _ = self._listener.accept()
                    self.accepted.append(conn)  # hold it: never read, never write, never close

    def start(self) -> SilentServer:
        self._thread = threading.Thread(target=self._serve, name="lab-silent-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        for conn in self.accepted:
            conn.close()
        self._listener.close()

    def __enter__(self) -> SilentServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
