"""Capture the certificate chain the sign-in server - or whatever sits in between, such as an
intercepting proxy - presents, along the route Codex would take.

The capture handshake accepts any certificate (VERIFY_NONE, lowest security level) only so
that it can SEE the chain, including weak ones it must name: it sends no application data at
all (handshake, then close_notify) and every verdict comes from verifying the captured chain
afterwards (`wizard.net.trust.verify_chain`). No request that carries data is ever sent
unverified."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import select
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509

from wizard.core.engine import Budget, CheckContext
from wizard.core.i18n import tr
from wizard.net.route import Route, effective_route
from wizard.net.tunnel import ProxyHead, connect_request, read_head

MAX_PROXY_HEAD = 64 * 1024
POLL_S = 0.2  # how often a waiting handshake looks at the cancel flag
_REASON = re.compile(r"^\[[^]]*\] (.+?)(?: \(_ssl\.c:\d+\))?$")


class CaptureFailed(Exception):
    """Why no chain could be captured. `kind` is one of: connect_failed, proxy_unreachable,
    proxy_no_answer, proxy_refused, proxy_unsupported, tls_no_answer, tls_failed, cancelled."""

    def __init__(self, kind: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.status = kind, detail, status


@dataclass(frozen=True)
class PresentedChain:
    certificates: tuple[x509.Certificate, ...]  # as sent: leaf first
    protocol: str | None
    cipher: str | None
    via: str | None  # the proxy (redacted) or None for a direct connection


def presented_chain(ctx: CheckContext) -> PresentedChain:
    """The chain for this run's target, captured once per run (a failure is remembered too)."""

    def capture() -> PresentedChain | CaptureFailed:
        try:
            return capture_chain(
                ctx.target.host, ctx.target.port, effective_route(ctx), ctx.budget, ctx.cancelled
            )
        except CaptureFailed as failed:
            return failed

    result = ctx.shared.get(f"tls:chain:{ctx.target.host}", capture)
    if isinstance(result, CaptureFailed):
        raise result
    return result  # type: ignore[no-any-return]


def capture_chain(
    host: str,
    port: int,
    route: Route,
    budget: Budget,
    cancelled: Callable[[], bool] = lambda: False,
) -> PresentedChain:
    sock = open_route(host, port, route, budget)
    try:
        return _handshake(sock, host, budget, cancelled, route.proxy_display)
    finally:
        sock.close()


def open_route(host: str, port: int, route: Route, budget: Budget) -> socket.socket:
    """A TCP connection to host:port along `route`: direct, or through the proxy's CONNECT
    tunnel (the proxy has said 200). Nothing is sent on it yet; raises CaptureFailed."""
    if route.direct:
        try:
            return socket.create_connection((host, port), timeout=budget.timeout())
        except OSError as exc:
            raise CaptureFailed(
                "connect_failed",
                tr(
                    "chain",
                    "cannot connect to {host}:{port} ({error})",
                    host=host,
                    port=port,
                    error=str(exc),
                ),
            ) from None
    if route.proxy_scheme not in ("http", None):
        raise CaptureFailed(
            "proxy_unsupported",
            tr(
                "chain",
                "a '{scheme}' proxy cannot be tested this way",
                scheme=route.proxy_scheme,
            ),
        )
    proxy_host, proxy_port = route.proxy_address or ("", 0)
    try:
        sock = socket.create_connection((proxy_host, proxy_port), timeout=budget.timeout())
    except OSError as exc:
        raise CaptureFailed(
            "proxy_unreachable",
            tr(
                "chain",
                "the proxy {proxy} does not accept connections ({error})",
                proxy=route.proxy_display,
                error=str(exc),
            ),
        ) from None
    try:
        _connect_through(sock, host, port, route, budget)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_through(
    sock: socket.socket, host: str, port: int, route: Route, budget: Budget
) -> None:
    try:
        sock.settimeout(budget.timeout())
        sock.sendall(connect_request(host, port, route.proxy_credentials))
        head = read_head(sock, budget.timeout, MAX_PROXY_HEAD)
    except TimeoutError:
        head = ProxyHead(b"", "timeout")
    except OSError as exc:
        raise CaptureFailed(
            "proxy_no_answer",
            tr("chain", "the proxy connection failed ({error})", error=str(exc)),
        ) from None
    if head.ended == "timeout":
        raise CaptureFailed(
            "proxy_no_answer",
            tr("chain", "the proxy {proxy} did not answer in time", proxy=route.proxy_display),
        )
    if head.ended == "closed":
        raise CaptureFailed("proxy_no_answer", tr("chain", "the proxy closed the connection"))
    if head.ended == "too_long":
        raise CaptureFailed("proxy_no_answer", tr("chain", "the proxy sent an endless answer"))
    status = head.status or 0
    if status != 200:
        raise CaptureFailed(
            "proxy_refused",
            tr(
                "chain",
                "the proxy {proxy} answered '{answer}' to the tunnel request",
                proxy=route.proxy_display,
                answer=head.status_line,
            ),
            status,
        )


def _handshake(
    sock: socket.socket,
    host: str,
    budget: Budget,
    cancelled: Callable[[], bool],
    via: str | None,
) -> PresentedChain:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # only to see the chain; see the module docstring
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED  # old servers are seen too
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # so weak chains can be seen and named
    sock.setblocking(False)
    conn = context.wrap_socket(
        sock, server_hostname=None if _is_ip(host) else host, do_handshake_on_connect=False
    )
    try:  # the TLS socket now owns the connection: closing `sock` would not close it
        _shake(conn, budget, cancelled)
        chain = [x509.load_der_x509_certificate(der) for der in _unverified_chain(conn)]
        protocol, cipher = conn.version(), (conn.cipher() or (None,))[0]
        with contextlib.suppress(ssl.SSLError, OSError):
            conn.unwrap()  # close_notify only: no application data was ever sent
    finally:
        conn.close()
    return PresentedChain(tuple(chain), protocol, cipher, via)


def _shake(conn: ssl.SSLSocket, budget: Budget, cancelled: Callable[[], bool]) -> None:
    """The handshake on a non-blocking socket, looking at the budget and the cancel flag."""
    started = time.monotonic()
    while True:
        try:
            conn.do_handshake()
            return
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError) as want:
            if cancelled():
                raise CaptureFailed("cancelled", tr("chain", "cancelled")) from None
            if budget.expired():
                waited = time.monotonic() - started
                raise CaptureFailed(
                    "tls_no_answer",
                    tr(
                        "chain",
                        "the secure handshake got no answer within {seconds:.1f} seconds",
                        seconds=waited,
                    ),
                ) from None
            wait = min(POLL_S, budget.remaining())
            if isinstance(want, ssl.SSLWantReadError):
                select.select([conn], [], [], wait)
            else:
                select.select([], [conn], [], wait)
        except (ssl.SSLEOFError, ssl.SSLSyscallError, ssl.SSLZeroReturnError, ConnectionError):
            raise CaptureFailed(
                "tls_no_answer", tr("chain", "the connection was cut during the secure handshake")
            ) from None
        except ssl.SSLError as exc:
            raise CaptureFailed(
                "tls_failed",
                tr("chain", "the secure handshake failed ({reason})", reason=_ssl_reason(exc)),
            ) from None


def _unverified_chain(conn: ssl.SSLSocket) -> list[bytes]:
    """DER of the certificates the peer sent, leaf first. Python 3.13 has this as
    SSLSocket.get_unverified_chain; 3.10-3.12 only on the socket's `_sslobj` (the same call)."""
    public = getattr(conn, "get_unverified_chain", None)
    if public is not None:
        return list(public())
    chain = conn._sslobj.get_unverified_chain() or []  # type: ignore[union-attr]
    return [ssl.PEM_cert_to_DER_cert(cert.public_bytes()) for cert in chain]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _ssl_reason(exc: ssl.SSLError) -> str:
    """OpenSSL's reason text, e.g. 'wrong version number'."""
    match = _REASON.match(str(exc))
    return match.group(1) if match else str(exc)
