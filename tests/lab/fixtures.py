"""pytest fixtures for the lab (loaded by tests/conftest.py via ``pytest_plugins``).

Every server is started for one test and stopped at teardown (threads joined, sockets closed);
only the PKI is shared across the session because minting keys is the slow part.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from tests.lab.auth_server import AuthServer
from tests.lab.codex_cli import LabCodex, lab_codex_binary, ports_lock
from tests.lab.home import LabHome
from tests.lab.hosts import MAPPED_HOSTS, HostsLauncher, can_map_hosts, write_hosts
from tests.lab.pki import LabPKI
from tests.lab.proxy import LabProxy
from tests.lab.silent import SilentServer
from tests.lab.socks import SocksProxy

ProxyFactory = Callable[..., LabProxy]


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> LabPKI:
    """The lab roots (auth server CA + corporate inspection CA) with PEM files on disk."""
    return LabPKI(tmp_path_factory.mktemp("lab-pki"))


@pytest.fixture
def auth_server(pki: LabPKI) -> Iterator[AuthServer]:
    """A started HTTPS auth server at ``https://localhost:PORT`` (cert from ``pki.ca``)."""
    with AuthServer(pki) as server:
        yield server


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    """A started TCP server that accepts and never answers."""
    with SilentServer() as server:
        yield server


@pytest.fixture
def proxy_factory(pki: LabPKI) -> Iterator[ProxyFactory]:
    """``proxy_factory(mode, credentials=None, upstream_ca=None, upstream_map=None)`` -> a
    started LabProxy; all of them are stopped at teardown."""
    started: list[LabProxy] = []

    def make(
        mode: str = "forward",
        credentials: tuple[str, str] | None = None,
        upstream_ca: trustme.CA | Path | str | None = None,
        upstream_map: dict[str, tuple[str, int]] | None = None,
        port: int = 0,
    ) -> LabProxy:
        proxy = LabProxy(
            mode,
            pki=pki,
            upstream_ca=upstream_ca,
            credentials=credentials,
            upstream_map=upstream_map,
            port=port,
        )
        started.append(proxy)
        return proxy.start()

    yield make
    for proxy in reversed(started):
        proxy.stop()


@pytest.fixture
def socks_proxy(openai_server: AuthServer) -> Iterator[SocksProxy]:
    """A started SOCKS5 proxy that takes auth.openai.com:443 to `openai_server`."""
    with SocksProxy({"auth.openai.com:443": ("127.0.0.1", openai_server.port)}) as proxy:
        yield proxy


@pytest.fixture
def lab_home(home: Path) -> LabHome:
    """File helpers over the ``home`` fixture of tests/conftest.py."""
    return LabHome(home)


def _unavailable(message: str) -> None:
    """A lab part this machine lacks: a skip here, a failure in CI (which must have it)."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def real_codex() -> LabCodex:
    """The pinned real Codex CLI (tests/lab/codex_cli.py)."""
    binary = lab_codex_binary()
    if binary is None:
        _unavailable("the lab's Codex CLI is not installed (`make test` installs it)")
    assert binary is not None
    return LabCodex(binary)


@pytest.fixture
def codex_ports(real_codex: LabCodex) -> Iterator[LabCodex]:
    """The real Codex, with this test holding ports 1455/1457 (and 443) for its duration."""
    with ports_lock():
        yield real_codex


@pytest.fixture
def openai_server(pki: LabPKI) -> Iterator[AuthServer]:
    """The lab's auth.openai.com: a certificate for that name from the lab root."""
    with AuthServer(pki, hostnames=("auth.openai.com",)) as server:
        yield server


@pytest.fixture
def openai_via_proxy(
    proxy_factory: ProxyFactory, openai_server: AuthServer
) -> Callable[..., LabProxy]:
    """`openai_via_proxy(mode="forward", **kw)`: a lab proxy that takes auth.openai.com:443
    to `openai_server` (the way the real Codex reaches the lab)."""

    def make(mode: str = "forward", **kwargs: object) -> LabProxy:
        upstream = {"auth.openai.com:443": ("127.0.0.1", openai_server.port)}
        return proxy_factory(mode, upstream_map=upstream, **kwargs)

    return make


@dataclass(frozen=True)
class DirectRoute:
    server: AuthServer  # on 127.0.0.1:443, certificate for every mapped host
    hosts: Path
    launcher: HostsLauncher


@pytest.fixture
def openai_direct(pki: LabPKI, tmp_path: Path, codex_ports: LabCodex) -> Iterator[DirectRoute]:
    """auth.openai.com reached directly (no proxy) by programs started through `launcher`."""
    reason = can_map_hosts()
    if reason:
        _unavailable(f"the direct route cannot be set up here: {reason}")
    with AuthServer(pki, hostnames=MAPPED_HOSTS, port=443) as server:
        hosts = write_hosts(tmp_path)
        yield DirectRoute(server, hosts, HostsLauncher(hosts))
