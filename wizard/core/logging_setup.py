"""The program's own log: the standard `logging` under the "wizard" logger. Quiet by default
(warnings and errors on stderr); `--debug` shows every check starting and ending and the
traceback of a check that broke. Never a token value: what is logged is ids, statuses and
exception text, and the reports redact as ever."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LOGGER = "wizard"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(debug: bool, stream: TextIO | None = None) -> None:
    """Send the "wizard" log to `stream` (stderr); a process without one (a windowed exe)
    logs nowhere rather than failing."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    target = stream if stream is not None else sys.stderr
    if target is None:
        logger.addHandler(logging.NullHandler())
        return
    handler = logging.StreamHandler(target)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
