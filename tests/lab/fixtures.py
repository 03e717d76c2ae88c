"""pytest fixtures for the lab (loaded by tests/conftest.py via ``pytest_plugins``).

Every server is started for one test and stopped at teardown (threads joined, sockets closed);
only the PKI is shared across the session because minting keys is the slow part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

from tests.lab.auth_server import AuthServer
from tests.lab.home import LabHome
from tests.lab.pki import LabPKI
from tests.lab.proxy import LabProxy
from tests.lab.silent import SilentServer

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
    ) -> LabProxy:
        proxy = LabProxy(
            mode,
            pki=pki,
            upstream_ca=upstream_ca,
            credentials=credentials,
            upstream_map=upstream_map,
        )
        started.append(proxy)
        return proxy.start()

    yield make
    for proxy in reversed(started):
        proxy.stop()


@pytest.fixture
def lab_home(home: Path) -> LabHome:
    """File helpers over the ``home`` fixture of tests/conftest.py."""
    return LabHome(home)
