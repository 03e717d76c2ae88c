"""Starts a long-running program and reads its output as it comes (the `codex_probe` check
runs the user's own `codex login` this way)."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence

from wizard.core.environment import CommandNotFound

_EOF = object()


class LaunchedProcess:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc = proc
        self._lines: queue.Queue[object] = queue.Queue()
        self._seen: list[str] = []
        self._closed = False
        self._pump_thread = threading.Thread(target=self._pump, name="launched-output", daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        for raw in self._proc.stdout:
            self._lines.put(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        self._lines.put(_EOF)

    def read_line(self, timeout: float) -> str | None:
        if self._closed:
            return None
        try:
            item = self._lines.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if item is _EOF:
            self._closed = True
            return None
        line = str(item)
        self._seen.append(line)
        return line

    def output(self) -> str:
        if self._proc.poll() is not None:  # ended: let the last lines arrive first
            self._pump_thread.join(timeout=2.0)
        while True:  # what arrived but was not asked for yet
            try:
                item = self._lines.get_nowait()
            except queue.Empty:
                break
            if item is _EOF:
                self._closed = True
                break
            self._seen.append(str(item))
        return "\n".join(self._seen)

    def wait(self, timeout: float) -> int | None:
        try:
            return self._proc.wait(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self._proc.poll() is not None:
            return
        with contextlib.suppress(OSError):
            if sys.platform == "win32":
                self._proc.kill()
            else:  # the whole group: a node wrapper starts the real binary as a child
                os.killpg(self._proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=5)


class SubprocessLauncher:
    def start(self, argv: Sequence[str], env: Mapping[str, str]) -> LaunchedProcess:
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            proc = subprocess.Popen(
                list(argv),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                creationflags=flags,
                start_new_session=sys.platform != "win32",
            )
        except FileNotFoundError:
            raise CommandNotFound(argv[0]) from None
        return LaunchedProcess(proc)
