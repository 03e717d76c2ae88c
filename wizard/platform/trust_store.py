"""The operating system's trusted roots, per platform.

Linux: the distribution bundle OpenSSL was built with. Windows: the ROOT and CA system stores
(`ssl.enum_certificates`, what Python itself loads). macOS: the system roots keychain plus the
System keychain where administrators and MDM put company roots (`security find-certificate`).
Each store answers with DER certificates and never raises: an unreadable store is empty, and
`describe()` says so."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from wizard.core.environment import CommandNotFound, CommandRunner

SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1"
WINDOWS_STORES = ("ROOT", "CA")
MAC_KEYCHAINS = (
    "/System/Library/Keychains/SystemRootCertificates.keychain",
    "/Library/Keychains/System.keychain",
)
MAC_TIMEOUT_S = 10.0

_HASH_NAME = re.compile(r"^[0-9A-Fa-f]{8}\.[0-9]$")
# A block runs from its BEGIN line to the first END line at least one byte on. The body is
# read a run of bytes that are not "-" at a time, and a "-" only where no END line starts: the
# same blocks as `BEGIN.+?END` (re.S), found ~10x faster - that form tries the END line after
# every byte, ~10 ms of CPU under the GIL for the OS store's folder and bundle.
_PEM_END = rb"-----END (?:TRUSTED )?CERTIFICATE-----"
_PEM_BLOCK = re.compile(
    rb"-----BEGIN (?:TRUSTED )?CERTIFICATE-----(?s:.)(?:[^-]++|-(?!"
    + _PEM_END[1:]
    + rb"))*?"
    + _PEM_END
)

# (certificate bytes, encoding "x509_asn" | "pkcs_7_asn", trust True | set of EKU OIDs)
WindowsEntry = tuple[bytes, str, Any]
WindowsEnumerator = Callable[[str], Iterable[WindowsEntry]]


def pem_to_der(data: bytes) -> list[bytes]:
    """DER of every parseable certificate block in PEM text; bad blocks are skipped."""
    return blocks_to_der(_PEM_BLOCK.findall(data))


def blocks_to_der(blocks: Iterable[bytes]) -> list[bytes]:
    return [der for der in map(block_to_der, blocks) if der is not None]


def block_to_der(block: bytes) -> bytes | None:
    """DER of one PEM certificate block, None when it does not parse."""
    from cryptography import x509  # loaded on first use, not with the window
    from cryptography.hazmat.primitives.serialization import Encoding

    block = block.replace(b"TRUSTED CERTIFICATE-----", b"CERTIFICATE-----")
    try:
        with warnings.catch_warnings():  # old public roots with odd serials warn
            warnings.simplefilter("ignore")
            cert = x509.load_pem_x509_certificate(block)
    except ValueError:
        return None
    return cert.public_bytes(Encoding.DER)


def is_hash_name(name: str) -> bool:
    """A c_rehash-named certificate file (`1a2b3c4d.0`), as OpenSSL looks roots up in a folder."""
    return _HASH_NAME.match(name) is not None


class BundleTrustStore:
    """Roots from a PEM bundle file and/or a hashed directory (Linux distributions)."""

    def __init__(self, cafile: str | None, capath: str | None = None) -> None:
        self._paths: tuple[str | None, str | None] | None = (cafile, capath)
        self._folder: str | None = None

    @classmethod
    def openssl_default(cls) -> BundleTrustStore:
        """The bundle OpenSSL was built with. Its paths are looked up (with `ssl`, which
        loads OpenSSL) on first use, not when the Environment is built at start-up."""
        store = cls(None)
        store._paths = None
        return store

    def _resolved(self) -> tuple[str | None, str | None]:
        if self._paths is None:
            import ssl

            found = ssl.get_default_verify_paths()
            self._paths = (found.openssl_cafile, found.openssl_capath)
        return self._paths

    @property
    def cafile(self) -> str | None:
        return self._resolved()[0]

    @property
    def capath(self) -> str | None:
        return self._resolved()[1]

    def certificates(self) -> list[bytes]:
        folder = Path(self.capath) if self.capath and Path(self.capath).is_dir() else None
        files = [Path(self.cafile)] if self.cafile else []
        if folder is not None:
            files += sorted(p for p in folder.iterdir() if p.is_file())
        # The folder holds each root two or three times (its file, a hash-named link, the
        # bundle): a block already seen is parsed once, in the order first met. Each block
        # notes whether a hash-named file of the folder holds it (see lookup_folder).
        blocks: dict[bytes, bool] = {}
        for path in files:
            indexed = folder is not None and path.parent == folder and is_hash_name(path.name)
            try:
                found = _PEM_BLOCK.findall(path.read_bytes())
            except OSError:
                continue
            for block in found:
                blocks[block] = blocks.get(block, False) or indexed
        roots: dict[bytes, bool] = {}
        indexed_blocks_parse = True
        for block, indexed in blocks.items():
            der = block_to_der(block)
            if der is None:
                indexed_blocks_parse = indexed_blocks_parse and not indexed
                continue
            roots[der] = roots.get(der, False) or indexed
        covered = bool(roots) and indexed_blocks_parse and all(roots.values())
        self._folder = str(folder) if folder is not None and covered else None
        return list(roots)

    def lookup_folder(self) -> str | None:
        """The folder OpenSSL can find every root of the last `certificates()` in by its
        subject-hash name (`1a2b3c4d.0`, as c_rehash makes them): a TLS context given it
        (`capath`) reads only the roots a handshake asks for, where loading all of them costs
        ~20 ms of CPU under the GIL. None when a root is only in the bundle or in a file not
        named so, or a hash-named file holds a block that does not parse."""
        return self._folder

    def describe(self) -> str:
        return self.cafile or self.capath or "no system bundle found"


class WindowsTrustStore:
    """The Windows system stores, as Python's own `load_default_certs` reads them: only X.509
    entries trusted for everything or for server authentication."""

    def __init__(
        self,
        enumerate_store: WindowsEnumerator | None = None,
        stores: Sequence[str] = WINDOWS_STORES,
    ) -> None:
        self._given = enumerate_store
        self.stores = tuple(stores)
        self.problem: str | None = None

    def _enumerator(self) -> WindowsEnumerator | None:
        if self._given is not None:
            return self._given
        import ssl  # on first use, not when the Environment is built: it loads OpenSSL

        found: WindowsEnumerator | None = getattr(ssl, "enum_certificates", None)
        return found

    def certificates(self) -> list[bytes]:
        enumerate_store = self._enumerator()
        if enumerate_store is None:
            self.problem = "the Windows certificate store is not available on this system"
            return []
        roots: list[bytes] = []
        for store in self.stores:
            try:
                entries = list(enumerate_store(store))
            except (OSError, PermissionError) as exc:
                self.problem = f"the {store} store cannot be read ({exc})"
                continue
            for data, encoding, trust in entries:
                if encoding != "x509_asn":
                    continue
                if trust is True or (
                    isinstance(trust, set | frozenset) and SERVER_AUTH_OID in trust
                ):
                    roots.append(bytes(data))
        return list(dict.fromkeys(roots))

    def lookup_folder(self) -> str | None:
        return None

    def describe(self) -> str:
        text = "Windows certificate store (" + ", ".join(self.stores) + ")"
        return f"{text}: {self.problem}" if self.problem else text


class MacTrustStore:
    """The macOS system roots and the System keychain, read with the `security` tool."""

    def __init__(
        self,
        runner: CommandRunner,
        keychains: Sequence[str] = MAC_KEYCHAINS,
        timeout_s: float = MAC_TIMEOUT_S,
    ) -> None:
        self.runner = runner
        self.keychains = tuple(keychains)
        self.timeout_s = timeout_s
        self.problems: list[str] = []

    def certificates(self) -> list[bytes]:
        roots: list[bytes] = []
        self.problems = []
        for keychain in self.keychains:
            argv = ["security", "find-certificate", "-a", "-p", keychain]
            try:
                out = self.runner.run(argv, timeout=self.timeout_s)
            except CommandNotFound:
                self.problems.append("the 'security' tool is not available")
                break
            except (TimeoutError, OSError) as exc:
                self.problems.append(f"{keychain}: {exc}")
                continue
            if out.returncode != 0:
                self.problems.append(f"{keychain}: {out.stderr.strip() or out.returncode}")
            roots.extend(pem_to_der(out.stdout.encode("utf-8", errors="replace")))
        return list(dict.fromkeys(roots))

    def lookup_folder(self) -> str | None:
        return None

    def describe(self) -> str:
        text = "macOS keychains (" + ", ".join(self.keychains) + ")"
        return f"{text}: {'; '.join(self.problems)}" if self.problems else text


OsStore = BundleTrustStore | WindowsTrustStore | MacTrustStore


def system_trust_store(platform: str, runner: CommandRunner | None = None) -> OsStore:
    """The store of `platform`. Linux uses the bundle OpenSSL was built with, not SSL_CERT_FILE
    (which is one of the things being diagnosed). macOS runs `security` through `runner`."""
    if platform == "windows":
        return WindowsTrustStore()
    if platform == "darwin":
        if runner is None:
            from wizard.platform.runner import SubprocessRunner

            runner = SubprocessRunner()
        return MacTrustStore(runner)
    return BundleTrustStore.openssl_default()
