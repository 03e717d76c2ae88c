"""A real session D-Bus (dbus-daemon on a socket file in a temp folder) and, on it, a real
process that owns `org.freedesktop.secrets` and answers the default collection's `Locked`
property: unlocked, locked, or never (a hung keyring, openai/codex#41031). It holds no
secrets and implements nothing else.

The service runs in the system Python, which has dbus-python and PyGObject (the project's venv
does not need them); `available()` says whether this machine can run the lab."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.lab.port_holder import stop_child

SYSTEM_PYTHON = "/usr/bin/python3"
READY_TIMEOUT_S = 10.0

_SERVICE = r"""
import sys
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib

mode = sys.argv[1]
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName("org.freedesktop.secrets", bus)
pending = []

class Collection(dbus.service.Object):
    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss",
                         out_signature="v", async_callbacks=("ok", "err"))
    def Get(self, interface, prop, ok, err):
        if mode == "silent":
            pending.append(ok)  # never answered
            return
        if interface == "org.freedesktop.Secret.Collection" and prop == "Locked":
            ok(dbus.Boolean(mode == "locked", variant_level=1))
        else:
            err(dbus.exceptions.DBusException(
                "no such property", name="org.freedesktop.DBus.Error.UnknownProperty"))

Collection(bus, "/org/freedesktop/secrets/aliases/default")
print("ready", flush=True)
GLib.MainLoop().run()
"""


def available() -> bool:
    if not (shutil.which("dbus-daemon") and shutil.which("busctl")):
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import dbus, dbus.mainloop.glib; from gi.repository import GLib"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@dataclass(frozen=True)
class SessionBus:
    address: str
    folder: Path

    @contextlib.contextmanager
    def secret_service(self, mode: str) -> Iterator[subprocess.Popen[bytes]]:
        """A process owning org.freedesktop.secrets: mode "unlocked" | "locked" | "silent"."""
        proc = subprocess.Popen(
            [SYSTEM_PYTHON, "-I", "-c", _SERVICE, mode],
            env={"DBUS_SESSION_BUS_ADDRESS": self.address, "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            _expect_ready(proc)
            yield proc
        finally:
            stop_child(proc)


@contextlib.contextmanager
def session_bus() -> Iterator[SessionBus]:
    """A private session bus for the `with` block (no service activation files)."""
    with tempfile.TemporaryDirectory(prefix="lab-dbus-") as tmp:
        folder = Path(tmp)
        config = folder / "session.conf"
        socket_path = folder / "bus"
        config.write_text(
            '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" '
            '"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
            "<busconfig><type>session</type>"
            f"<listen>unix:path={socket_path}</listen>"
            "<auth>EXTERNAL</auth>"
            '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
            '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n',
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not socket_path.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("dbus-daemon did not start: " + _stderr(proc))
                time.sleep(0.02)
            yield SessionBus(f"unix:path={socket_path}", folder)
        finally:
            stop_child(proc)


def _expect_ready(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != b"ready":
        raise RuntimeError("secret service did not start: " + _stderr(proc))


def _stderr(proc: subprocess.Popen[bytes]) -> str:
    if proc.poll() is None:
        proc.kill()
    _, err = proc.communicate(timeout=5)
    return (err or b"").decode(errors="replace")
