"""The window: Qt only. Everything it shows comes from core, checks, fixes and report."""

import sys

if sys.version_info < (3, 12):
    import ctypes

    # PySide6 6.12 (a stable-ABI build, where None is immortal as in Python 3.12) returns None
    # from a void method without taking a reference: on 3.11 every setText(), setPen() and
    # beginLayout() drops one of None's few thousand references, and a session that repaints
    # long enough dies with "Fatal Python error: none_dealloc". Give None the references it
    # will lose (what 3.12 does by making it immortal); None is never freed anyway.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
