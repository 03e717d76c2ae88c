"""The lab itself works: real TLS, real proxies, real processes — or every other test lies."""

from __future__ import annotations

import base64
import datetime
import json
import socket
import ssl
import stat
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import psutil
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from tests.lab.auth_server import AuthServer
from tests.lab.fixtures import ProxyFactory
from tests.lab.home import LabHome
from tests.lab.pki import CORP_CN, CORP_ORG, LabPKI, issue_server_cert
from tests.lab.port_holder import hold_port
from tests.lab.proxy import LabProxy
from tests.lab.silent import SilentServer

TIMEOUT = httpx.Timeout(5.0)


def client_ctx(*pems: object) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for pem in pems:
        ctx.load_verify_locations(cafile=str(pem))
    return ctx


def leaf_via_connect(proxy: LabProxy, host: str, port: int, ctx: ssl.SSLContext) -> bytes:
    """CONNECT through ``proxy`` by hand and return the DER leaf the far side presents."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as raw:
        raw.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = raw.recv(1)
            assert chunk, "proxy closed the connection"
            head += chunk
        assert head.startswith(b"HTTP/1.1 200")
        with ctx.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
            assert der is not None
            return der


def strict_verify(leaf_der: bytes, root: x509.Certificate, host: str) -> x509.Certificate:
    verifier = PolicyBuilder().store(Store([root])).build_server_verifier(x509.DNSName(host))
    chain = verifier.verify(x509.load_der_x509_certificate(leaf_der), [])
    return chain[-1]


# -- PKI ----------------------------------------------------------------------------------------


def test_corp_root_subject_and_extensions(pki: LabPKI) -> None:
    root = LabPKI.cert_of(pki.corp_ca)
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == CORP_CN
    assert root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == CORP_ORG
    bc = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    root.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    assert pki.corp_ca_pem.read_bytes() == pki.corp_ca.cert_pem.bytes()
    assert pki.ca_pem.read_bytes() == pki.ca.cert_pem.bytes()


@pytest.mark.parametrize("which", ["ca", "corp_ca"])
def test_strict_verifier_accepts_lab_chains(pki: LabPKI, which: str) -> None:
    ca = getattr(pki, which)
    leaf = issue_server_cert(ca, "localhost", "127.0.0.1")
    pem = leaf.cert_chain_pems[0].bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    root = LabPKI.cert_of(ca)
    assert strict_verify(der, root, "localhost") == root
    other = LabPKI.cert_of(pki.ca if which == "corp_ca" else pki.corp_ca)
    with pytest.raises(VerificationError):
        strict_verify(der, other, "localhost")


def test_weak_roots(pki: LabPKI) -> None:
    ca, path = pki.weak_corp_ca("sha1")
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    assert cert.signature_hash_algorithm.name == "sha1"  # type: ignore[union-attr]
    assert cert.subject.rfc4514_string() == f"CN={CORP_CN} (sha1),O={CORP_ORG}"
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    issue_server_cert(ca, "localhost")  # it can still sign leaves
    _ca, path = pki.weak_corp_ca("rsa1024")
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    assert cert.public_key().key_size == 1024  # type: ignore[union-attr]
    _, path = pki.weak_corp_ca("expired")
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    assert cert.not_valid_after_utc.year == 2020


# -- auth server --------------------------------------------------------------------------------


def test_auth_server_openid_and_token(pki: LabPKI, auth_server: AuthServer) -> None:
    with httpx.Client(verify=client_ctx(pki.ca_pem), timeout=TIMEOUT) as client:
        r = client.get(auth_server.url + "/.well-known/openid-configuration")
        assert r.status_code == 200
        assert r.json() == {
            "issuer": auth_server.url,
            "authorization_endpoint": auth_server.url + "/oauth/authorize",
            "token_endpoint": auth_server.url + "/oauth/token",
        }
        r = client.post(auth_server.url + "/oauth/token", data={"grant_type": "authorization_code"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"error": "invalid_grant", "error_description": "Invalid authorization code"}
    assert [(m, p) for m, p, _, _ in auth_server.requests] == [
        ("GET", "/.well-known/openid-configuration"),
        ("POST", "/oauth/token"),
    ]
    assert auth_server.requests[1][3] == b"grant_type=authorization_code"
    assert auth_server.url.startswith("https://localhost:")


def test_auth_server_overrides(pki: LabPKI, auth_server: AuthServer) -> None:
    body = {"error": {"code": "unsupported_country_region_territory", "message": "x"}}
    auth_server.token_status = 403
    auth_server.token_body = json.dumps(body)
    auth_server.date_offset_s = -3600
    auth_server.age_s = 42
    auth_server.openid_status = 503
    auth_server.openid_body = "<html>down</html>"
    auth_server.openid_content_type = "text/html"
    with httpx.Client(verify=client_ctx(pki.ca_pem), timeout=TIMEOUT) as client:
        r = client.post(auth_server.url + "/oauth/token")
        o = client.get(auth_server.url + "/.well-known/openid-configuration")
    assert (r.status_code, r.json()) == (403, body)
    skew = parsedate_to_datetime(r.headers["date"]).timestamp() - time.time()
    assert -3700 < skew < -3500
    assert r.headers["age"] == "42"
    assert (o.status_code, o.text, o.headers["content-type"]) == (
        503,
        "<html>down</html>",
        "text/html",
    )


def test_auth_server_untrusted_without_lab_ca(auth_server: AuthServer) -> None:
    with (
        httpx.Client(verify=client_ctx(), timeout=TIMEOUT) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get(auth_server.url + "/")


def test_auth_server_with_expired_leaf(pki: LabPKI) -> None:
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    leaf = issue_server_cert(pki.ca, "localhost", not_before=old, not_after=old)
    with (
        AuthServer(pki, leaf=leaf) as server,
        httpx.Client(verify=client_ctx(pki.ca_pem), timeout=TIMEOUT) as client,
        pytest.raises(httpx.ConnectError, match="certificate has expired"),
    ):
        client.get(server.url + "/")


# -- silent server ------------------------------------------------------------------------------


def test_silent_server_times_out(pki: LabPKI, silent_server: SilentServer) -> None:
    with (
        httpx.Client(verify=client_ctx(pki.ca_pem), timeout=0.5) as client,
        pytest.raises(httpx.TimeoutException),
    ):
        client.get(silent_server.url + "/")
    assert silent_server.connection_count == 1


# -- proxies ------------------------------------------------------------------------------------


def test_forward_proxy_tunnels(
    pki: LabPKI, auth_server: AuthServer, proxy_factory: ProxyFactory
) -> None:
    proxy = proxy_factory("forward")
    with httpx.Client(proxy=proxy.url, verify=client_ctx(pki.ca_pem), timeout=TIMEOUT) as client:
        r = client.post(auth_server.url + "/oauth/token")
    assert r.status_code == 400
    assert proxy.connects == [f"localhost:{auth_server.port}"]
    # The leaf seen through the tunnel is the auth server's own (lab CA), not re-signed.
    der = leaf_via_connect(proxy, "localhost", auth_server.port, client_ctx(pki.ca_pem))
    assert strict_verify(der, LabPKI.cert_of(pki.ca), "localhost")


def test_auth_proxy(pki: LabPKI, auth_server: AuthServer, proxy_factory: ProxyFactory) -> None:
    proxy = proxy_factory("auth", credentials=("alice", "s3cr:et"))
    with (
        httpx.Client(proxy=proxy.url, verify=client_ctx(pki.ca_pem), timeout=TIMEOUT) as client,
        pytest.raises(httpx.ProxyError, match="407"),
    ):
        client.get(auth_server.url + "/.well-known/openid-configuration")
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as raw:
        raw.sendall(b"CONNECT localhost:1 HTTP/1.1\r\nHost: localhost:1\r\n\r\n")
        answer = raw.recv(4096)
    assert answer.startswith(b"HTTP/1.1 407 Proxy Authentication Required\r\n")
    assert b'\r\nProxy-Authenticate: Basic realm="lab"\r\n' in answer
    assert "s3cr" not in proxy.url and "s3cr%3Aet" in proxy.url_with_credentials
    with httpx.Client(
        proxy=proxy.url_with_credentials, verify=client_ctx(pki.ca_pem), timeout=TIMEOUT
    ) as client:
        r = client.get(auth_server.url + "/.well-known/openid-configuration")
    assert r.status_code == 200
    sent = proxy.requests[-1][2]["proxy-authorization"]
    assert sent == "Basic " + base64.b64encode(b"alice:s3cr:et").decode()


def test_block_proxy(pki: LabPKI, auth_server: AuthServer, proxy_factory: ProxyFactory) -> None:
    proxy = proxy_factory("block")
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as raw:
        target = f"localhost:{auth_server.port}"
        raw.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert b"\r\nContent-Type: text/html; charset=utf-8" in head
    assert b"Access denied by Contoso web filter" in body
    assert proxy.connects == [target]
    assert auth_server.requests == []


def test_intercept_proxy(pki: LabPKI, auth_server: AuthServer, proxy_factory: ProxyFactory) -> None:
    proxy = proxy_factory("intercept")
    der = leaf_via_connect(proxy, "localhost", auth_server.port, client_ctx(pki.corp_ca_pem))
    leaf = x509.load_der_x509_certificate(der)
    assert leaf.issuer == LabPKI.cert_of(pki.corp_ca).subject
    assert strict_verify(der, LabPKI.cert_of(pki.corp_ca), "localhost")
    # A client that trusts the corporate root gets the real upstream answer.
    with httpx.Client(proxy=proxy.url, verify=client_ctx(pki.corp_ca_pem), timeout=TIMEOUT) as c:
        r = c.post(auth_server.url + "/oauth/token", content=b"code=1")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    assert auth_server.requests[-1][3] == b"code=1"
    # A client trusting only the public (lab) root refuses the inspected connection.
    with (
        httpx.Client(proxy=proxy.url, verify=client_ctx(pki.ca_pem), timeout=TIMEOUT) as c,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        c.get(auth_server.url + "/")


def test_intercept_proxy_verifies_upstream(pki: LabPKI, proxy_factory: ProxyFactory) -> None:
    # An upstream signed by the corp CA is not trusted by the proxy (it trusts pki.ca only).
    rogue = AuthServer(pki, ca=pki.corp_ca)
    proxy = proxy_factory("intercept")
    with (
        rogue,
        httpx.Client(proxy=proxy.url, verify=client_ctx(pki.corp_ca_pem), timeout=TIMEOUT) as c,
    ):
        r = c.get(rogue.url + "/.well-known/openid-configuration")
    assert r.status_code == 502
    assert rogue.requests == []
    assert any("CERTIFICATE_VERIFY_FAILED" in e for e in proxy.errors)


def test_proxy_never_dials_out_but_maps(pki: LabPKI, proxy_factory: ProxyFactory) -> None:
    with AuthServer(pki, hostnames=("auth.example.test",)) as far:
        proxy = proxy_factory(
            "intercept", upstream_map={"auth.example.test:443": ("127.0.0.1", far.port)}
        )
        ctx = client_ctx(pki.corp_ca_pem)
        with httpx.Client(proxy=proxy.url, verify=ctx, timeout=TIMEOUT) as c:
            r = c.get("https://auth.example.test/.well-known/openid-configuration")
        assert r.status_code == 200
        assert proxy.connects == ["auth.example.test:443"]
    forward = proxy_factory("forward")
    with socket.create_connection(("127.0.0.1", forward.port), timeout=5) as raw:
        raw.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        assert raw.recv(4096).startswith(b"HTTP/1.1 502 Bad Gateway\r\n")


def test_auth_server_delay_is_interruptible(pki: LabPKI) -> None:
    server = AuthServer(pki).start()
    server.delay_s = 30
    try:
        with (
            httpx.Client(verify=client_ctx(pki.ca_pem), timeout=0.3) as client,
            pytest.raises(httpx.ReadTimeout),
        ):
            client.get(server.url + "/")
    finally:
        server.stop()  # returns although a handler still waits (the hang guard would fire)
    assert server.requests[0][:2] == ("GET", "/")


def test_silent_proxy(proxy_factory: ProxyFactory) -> None:
    proxy = proxy_factory("silent")
    with (
        httpx.Client(proxy=proxy.url, timeout=0.5) as c,
        pytest.raises(httpx.TimeoutException),
    ):
        c.get("https://localhost:9/")


def test_forward_proxy_plain_http() -> None:
    with hold_port(0, name="codexlike", codex_like=True) as holder, LabProxy("forward") as proxy:
        with httpx.Client(proxy=proxy.url, timeout=TIMEOUT) as c:
            r = c.get(f"http://127.0.0.1:{holder.port}/nothing")
        assert (r.status_code, r.text) == (404, "Not Found")
        assert proxy.requests[0][:2] == ("GET", f"http://127.0.0.1:{holder.port}/nothing")


# -- port holder --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_hold_port_named_listener() -> None:
    port = _free_port()
    with hold_port(port, name="wslrelay") as holder:
        assert holder.port == port
        listeners = [
            c
            for c in psutil.net_connections("tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        ]
        assert [(c.laddr.ip, c.pid) for c in listeners] == [("127.0.0.1", holder.pid)]
        assert psutil.Process(holder.pid).name() == "wslrelay"
        with pytest.raises(RuntimeError, match="Address already in use"), hold_port(port):
            pass
    assert holder.process.returncode is not None  # ended and reaped (waited for) on exit
    assert not psutil.pid_exists(holder.pid)


def test_hold_port_ipv6() -> None:
    with hold_port(0, name="v6holder", address="::1") as holder:
        listeners = [c for c in psutil.net_connections("tcp6") if c.laddr.port == holder.port]
        assert [(c.laddr.ip, c.pid) for c in listeners] == [("::1", holder.pid)]


def test_hold_port_codex_like() -> None:
    with hold_port(0, name="codex", codex_like=True) as holder:
        base = f"http://127.0.0.1:{holder.port}"
        with httpx.Client(timeout=TIMEOUT) as c:
            r = c.get(base + "/auth/callback?code=abc&state=wrong")
            assert (r.status_code, r.text) == (400, "State mismatch")
            assert c.get(base + "/other").text == "Not Found"
            r = c.get(base + "/cancel")
            assert (r.status_code, r.text) == (200, "Login cancelled")
        assert holder.process.wait(timeout=5) == 0


# -- home ---------------------------------------------------------------------------------------


def test_lab_home_paths(lab_home: LabHome, home: Path) -> None:
    s = lab_home.settings("Cursor", '{\r\n  "http.proxy": "x"\r\n}')
    assert s == home / ".config" / "Cursor" / "User" / "settings.json"
    assert s.read_bytes() == b'{\r\n  "http.proxy": "x"\r\n}'
    w = lab_home.settings(text="{}", windows=True)
    assert w == home / "AppData" / "Roaming" / "Code" / "User" / "settings.json"
    auth = lab_home.auth_json('{"tokens": {}}')
    assert auth == home / ".codex" / "auth.json"
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600
    assert lab_home.codex_log("x") == home / ".codex" / "log" / "codex-login.log"
    assert lab_home.ide_log("x").relative_to(home).as_posix() == (
        ".config/Code/logs/20261121T101010/window1/exthost/openai.chatgpt/Codex.log"
    )
    assert lab_home.config_toml("a = 1").name == "config.toml"
    assert lab_home.dotenv("A=1") == home / ".codex" / ".env"


# -- hygiene ------------------------------------------------------------------------------------


def test_everything_stops_cleanly(pki: LabPKI) -> None:
    before = set(threading.enumerate())
    with AuthServer(pki) as server, SilentServer() as silent:
        proxies = [LabProxy(m, pki=pki).start() for m in ("forward", "intercept", "silent")]
        clients: list[httpx.Client] = []
        try:
            ctx = client_ctx(pki.ca_pem, pki.corp_ca_pem)
            for proxy in proxies[:2]:
                # Leave keep-alive connections open on purpose: stop() must still end them.
                c = httpx.Client(proxy=proxy.url, verify=ctx, timeout=TIMEOUT)
                clients.append(c)
                assert c.get(server.url + "/x").status_code == 404
            for port in (silent.port, proxies[2].port):
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
        finally:
            for proxy in proxies:
                proxy.stop()
            for c in clients:
                c.close()
    deadline = time.monotonic() + 5
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(threading.enumerate()) - before == set()
