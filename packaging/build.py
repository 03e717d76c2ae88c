"""Build the double-click executable with packaging/signin-doctor.spec and say how big it is.

    python packaging/build.py                # one file (Linux, Windows); the .app on macOS
    python packaging/build.py --onedir       # one folder
    python packaging/build.py --with-hello   # also the bare QWizard hello-world, same spec

Output in dist/; dist/build-info.json records what was built (paths, sizes, versions) for
tests/test_packaging.py and bench/. Icons are rendered from resources/icons/app.svg with Qt
(offscreen) and converted by Pillow; the Linux .desktop file and icon go beside the executable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "signin-doctor.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
ICONS = ROOT / "build" / "icons"
INFO = DIST / "build-info.json"
APP_SVG = ROOT / "resources" / "icons" / "app.svg"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
MB = 1_000_000


def render_icons(out: Path) -> None:
    """app.svg -> PNGs at every size (in a child process: Qt stays out of this one)."""
    out.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys\n"
        "from PySide6.QtCore import Qt\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtSvg import QSvgRenderer\n"
        "app = QGuiApplication(['render'])\n"
        "svg, out = QSvgRenderer(sys.argv[1]), sys.argv[2]\n"
        "for size in map(int, sys.argv[3:]):\n"
        "    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)\n"
        "    image.fill(Qt.GlobalColor.transparent)\n"
        "    painter = QPainter(image)\n"
        "    svg.render(painter)\n"
        "    painter.end()\n"
        "    assert image.save(f'{out}/signin-doctor-{size}.png'), size\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    argv = [sys.executable, "-c", code, str(APP_SVG), str(out), *map(str, ICON_SIZES)]
    subprocess.run(argv, check=True, env=env)
    from PIL import Image  # build-time only ([package] extra)

    biggest = Image.open(out / "signin-doctor-1024.png")
    ico_sizes = [(s, s) for s in ICON_SIZES if s <= 256]
    biggest.save(out / "signin-doctor.ico", sizes=ico_sizes)
    biggest.save(out / "signin-doctor.icns")


def run_pyinstaller(onedir: bool, hello: bool) -> None:
    spec_args = [*(["--onedir"] if onedir else []), *(["--hello"] if hello else [])]
    argv = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",  # no cached analysis: a file edited during an earlier build is not skipped
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK / ("hello" if hello else "app") / ("onedir" if onedir else "onefile")),
        str(SPEC),
        *(["--", *spec_args] if spec_args else []),
    ]
    subprocess.run(argv, check=True, cwd=ROOT)


def source_fingerprint(root: Path = ROOT) -> str:
    """What the build is made of (app code, resources, packaging): the smoke test compares it
    with the tree, so a build older than the sources is reported as stale, not as broken."""
    digest = hashlib.sha256()
    for folder in ("wizard", "resources", "packaging"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def resource_files(root: Path = ROOT) -> list[str]:
    """Every file of resources/ as the build saw it (the smoke test looks for each one)."""
    files = (root / "resources").rglob("*")
    return sorted(
        p.relative_to(root).as_posix()
        for p in files
        if p.is_file() and "__pycache__" not in p.parts
    )


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def locate(hello: bool, onedir: bool) -> tuple[Path, Path]:
    """(what is shipped, the executable to run) for this platform and layout."""
    name = "hello-qwizard" if hello else "signin-doctor"
    suffix = ".exe" if sys.platform == "win32" else ""
    if sys.platform == "darwin":
        bundle = DIST / ("Hello QWizard.app" if hello else "Sign-in Doctor.app")
        return bundle, bundle / "Contents" / "MacOS" / name
    if onedir:
        return DIST / name, DIST / name / f"{name}{suffix}"
    return DIST / f"{name}{suffix}", DIST / f"{name}{suffix}"


def add_linux_desktop_files() -> list[str]:
    """The .desktop entry and its icon, to install beside the executable (see README)."""
    shutil.copy2(ROOT / "packaging" / "linux" / "signin-doctor.desktop", DIST)
    shutil.copy2(ICONS / "signin-doctor-256.png", DIST / "signin-doctor.png")
    return ["signin-doctor.desktop", "signin-doctor.png"]


def build(onedir: bool, hello: bool) -> dict[str, Any]:
    started = time.monotonic()
    run_pyinstaller(onedir, hello)
    shipped, exe = locate(hello, onedir)
    if not exe.exists():
        raise SystemExit(f"build.py: PyInstaller reported success but {exe} is missing")
    return {
        "path": str(shipped.relative_to(ROOT)),
        "exe": str(exe.relative_to(ROOT)),
        "layout": "app bundle" if sys.platform == "darwin" else "onedir" if onedir else "onefile",
        "size_bytes": tree_size(shipped),
        "build_s": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onedir", action="store_true", help="one folder instead of one file")
    parser.add_argument("--with-hello", action="store_true", help="also build the hello-world")
    args = parser.parse_args(argv)

    render_icons(ICONS)
    previous = json.loads(INFO.read_text()) if INFO.exists() else {}
    info: dict[str, Any] = {}
    if "hello" in previous and (ROOT / previous["hello"]["exe"]).exists():
        info["hello"] = previous["hello"]  # built earlier and still there
    info.update(
        sources=source_fingerprint(),
        resources=resource_files(),
        platform=sys.platform,
        machine=platform.machine(),
        python=platform.python_version(),
        pyside6=version("PySide6-Essentials"),
        pyinstaller=version("pyinstaller"),
    )
    info["app"] = build(args.onedir, hello=False)
    if sys.platform.startswith("linux"):
        info["app"]["extras"] = add_linux_desktop_files()
    if args.with_hello:
        info["hello"] = build(args.onedir, hello=True)
    DIST.mkdir(exist_ok=True)
    INFO.write_text(json.dumps(info, indent=2) + "\n")

    for key in ("app", "hello"):
        if key in info:
            entry = info[key]
            print(
                f"{key:6s} {entry['layout']:10s} {entry['size_bytes'] / MB:6.1f} MB  {entry['exe']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
