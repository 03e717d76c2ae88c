"""The Windows version resource (Explorer's Properties > Details) from the app's one version
string in wizard/__init__.py, so nothing is kept in step by hand."""

from __future__ import annotations

import re

from PyInstaller.utils.win32.versioninfo import (
    FixedFileInfo,
    StringFileInfo,
    StringStruct,
    StringTable,
    VarFileInfo,
    VarStruct,
    VSVersionInfo,
)

LANG_CODEPAGE = "040904B0"  # U.S. English, Unicode (what Explorer shows by default)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Version "0.1.0" -> (0, 1, 0, 0); a suffix such as "rc1" or ".dev3" is dropped."""
    numbers: list[int] = []
    for part in version.split(".")[:4]:
        leading = re.match(r"\d+", part)
        if leading is None:
            break
        numbers.append(int(leading.group()))
        if leading.end() < len(part):  # "3rc1": the rest is a pre-release tag
            break
    numbers += [0] * (4 - len(numbers))
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_resource(version: str, product: str, exe_name: str) -> VSVersionInfo:
    numbers = version_tuple(version)
    strings = {
        "CompanyName": "Sign-in Doctor contributors",
        "FileDescription": product,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": "MIT License",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": product,
        "ProductVersion": version,
    }
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo(
                [StringTable(LANG_CODEPAGE, [StringStruct(k, v) for k, v in strings.items()])]
            ),
            VarFileInfo([VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
