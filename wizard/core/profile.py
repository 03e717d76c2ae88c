"""The diagnosed product as data: URLs, ports, variable names, file names, setting keys.

Loaded from `resources/profiles/<id>.json`, so adding a target touches no logic."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.core.model import Target


def _resources_root() -> Path:
    """The repo's resources/, or the copy inside a PyInstaller bundle (packaging/)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent.parent / "resources"


RESOURCES = _resources_root()


def resource_path(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


@dataclass(frozen=True)
class Profile:
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def name(self) -> str:
        return str(self.data["name"])

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def redirect_uri(self, port: int) -> str:
        """Where Codex sends the browser back to for `port` (0.169: 127.0.0.1, not localhost)."""
        return str(self.data["redirect_uri"]).format(port=port)

    def env_names(self, group: str) -> list[str]:
        return list(self.data["env"][group])

    def target(self, auth_url: str | None = None, callback_port: int | None = None) -> Target:
        default = str(self.data["auth_base_url"])
        url = (auth_url or default).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        ports = tuple(int(p) for p in self.data["callback_ports"])
        if callback_port is not None:  # replaces the preferred port; Codex's fallback stays
            ports = (callback_port, *(p for p in ports[1:] if p != callback_port))
        return Target(
            profile_id=self.id,
            auth_url=url,
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 80),
            callback_ports=ports,
            is_default_host=url == default.rstrip("/"),
        )

    def chatgpt_target(self, target: Target) -> Target | None:
        """The second host sign-in needs (chatgpt.com), for OpenAI's own sign-in server only:
        a lab or staging server named with --auth-url has no chatgpt.com of its own."""
        if not target.is_default_host:
            return None
        url = str(self.data["chatgpt"]["base_url"]).rstrip("/")
        parts = urlsplit(url)
        return replace(
            target,
            auth_url=url,
            host=parts.hostname or "",
            port=parts.port or (443 if parts.scheme == "https" else 80),
        )


def load_profile(profile_id: str = "codex") -> Profile:
    path = resource_path("profiles", f"{profile_id}.json")
    return Profile(json.loads(path.read_text(encoding="utf-8")))
