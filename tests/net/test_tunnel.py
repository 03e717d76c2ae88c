"""The CONNECT tunnel helper over real socket pairs: the request's bytes, and the answer head
read without consuming what follows it."""

from __future__ import annotations

import base64
import socket

import pytest

from wizard import __version__
from wizard.net.tunnel import connect_request, read_head


def test_connect_request_with_percent_encoded_credentials():
    request = connect_request("auth.openai.com", 443, ("jane", "p%40ss%3Aword"))
    token = base64.b64encode(b"jane:p@ss:word").decode()
    assert (
        request
        == (
            "CONNECT auth.openai.com:443 HTTP/1.1\r\n"
            "Host: auth.openai.com:443\r\n"
            f"User-Agent: signin-doctor/{__version__}\r\n"
            f"Proxy-Authorization: Basic {token}\r\n\r\n"
        ).encode()
    )


def test_connect_request_ipv6_host_without_credentials():
    request = connect_request("::1", 8443, None)
    assert request.startswith(b"CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n")
    assert b"Proxy-Authorization" not in request


_OPEN: list[socket.socket] = []  # the proxies' ends that stay open (silent after `data`)


@pytest.fixture(autouse=True)
def _close_sockets():
    yield
    while _OPEN:
        _OPEN.pop().close()


def answer(data: bytes, close: bool = False) -> socket.socket:
    """Our end of a connection whose other end sent `data` (then closed, or went silent)."""
    ours, theirs = socket.socketpair()
    theirs.sendall(data)
    _OPEN.append(ours)
    if close:
        theirs.close()
    else:
        _OPEN.append(theirs)
    return ours


def test_head_stops_at_the_blank_line_and_leaves_the_rest_unread():
    sock = answer(b"HTTP/1.1 200 Connection established\r\nVia: lab\r\n\r\n\x16\x03\x01")
    head = read_head(sock, lambda: 1.0, 4096)
    assert head.ended == "complete"
    assert (head.status, head.reason, head.header("via")) == (200, "Connection established", "lab")
    assert sock.recv(3) == b"\x16\x03\x01"  # the TLS bytes after the head are still there


def test_proxy_auth_required_head():
    sock = answer(b"HTTP/1.0 407 Proxy Authentication Required\r\nContent-Type: text/html\r\n\r\n")
    head = read_head(sock, lambda: 1.0, 4096)
    assert head.status == 407
    assert head.header("Content-Type") == "text/html"


def test_silence_raises_timeout_and_a_cut_answer_says_why_it_ended():
    with pytest.raises(TimeoutError):
        read_head(answer(b""), lambda: 0.05, 4096)
    assert read_head(answer(b"HTTP/1.1 200 OK\r\n"), lambda: 0.05, 4096).ended == "timeout"
    closed = read_head(answer(b"HTTP/1.1 502", close=True), lambda: 1.0, 4096)
    assert (closed.ended, closed.status) == ("closed", 502)
    assert read_head(answer(b"x" * 100), lambda: 1.0, 10).ended == "too_long"


def test_a_socks_port_is_no_http_status():
    head = read_head(answer(b"\x05\xff", close=True), lambda: 1.0, 4096)
    assert head.status is None
    assert head.ended == "closed"


def test_cancelled_before_reading():
    assert read_head(answer(b"HTTP/1.1 200 OK\r\n\r\n"), lambda: 1.0, 4096, lambda: True).ended == (
        "cancelled"
    )
