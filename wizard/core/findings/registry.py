"""Which payload class each check's findings are, so the window's wire and a case file give
back the typed object a check returned (see wizard.core.findings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.core.findings import NOTHING, CheckFailure, Findings, JsonObject
from wizard.core.findings.certificates import CaEnvFindings, TlsFindings
from wizard.core.findings.codex import (
    AuthManagerFindings,
    CodexHomeFindings,
    InstallFindings,
    LogsFindings,
    PolicyFindings,
)
from wizard.core.findings.editors import IdeFindings, WslFindings
from wizard.core.findings.network import (
    AddressesFindings,
    ChatgptFindings,
    ClockFindings,
    DnsFindings,
    OpenidFindings,
    ProxyFindings,
    RoutesFindings,
    StatusPageFindings,
    TcpFindings,
    TokenFindings,
)
from wizard.core.findings.port import PortFindings
from wizard.core.findings.signin import AuthModeFindings, ProbeFindings, StoreFindings
from wizard.core.findings.system import (
    PastedFindings,
    RemoteFindings,
    RootUpdateFindings,
    WslNetworkFindings,
)
from wizard.core.model import Status

PAYLOADS: dict[str, type[Findings]] = {
    kind.check: kind
    for kind in (
        AddressesFindings,
        AuthManagerFindings,
        AuthModeFindings,
        CaEnvFindings,
        ChatgptFindings,
        ClockFindings,
        CodexHomeFindings,
        DnsFindings,
        IdeFindings,
        InstallFindings,
        LogsFindings,
        OpenidFindings,
        PastedFindings,
        PolicyFindings,
        PortFindings,
        ProbeFindings,
        ProxyFindings,
        RemoteFindings,
        RootUpdateFindings,
        RoutesFindings,
        StatusPageFindings,
        StoreFindings,
        TcpFindings,
        TlsFindings,
        TokenFindings,
        WslFindings,
        WslNetworkFindings,
    )
}


@dataclass(frozen=True, slots=True)
class Untyped(Findings):
    """The evidence of a check that has no payload class yet, as found."""

    data: JsonObject

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)

    def cause_facts(self) -> Mapping[str, Any]:
        facts = self.data.get("facts")
        return facts if isinstance(facts, Mapping) else {}


def rebuild(check_id: str, status: Status, evidence: JsonObject) -> Findings:
    """The findings whose JSON `evidence` is, for a result of `check_id` with `status`."""
    if not evidence:
        return NOTHING
    if status is Status.ERROR:
        return CheckFailure.from_json(evidence)
    kind = PAYLOADS.get(check_id)
    return kind.from_json(evidence) if kind is not None else Untyped(evidence)


def findings_in(check: JsonObject) -> Findings:
    """The findings of one check of a diagnosis document (`--json`, a case file's
    report.json), typed again; evidence a report hid, or of another shape, is nothing."""
    try:
        return rebuild(check["id"], Status(check["status"]), check.get("evidence") or {})
    except (KeyError, TypeError, ValueError):
        return NOTHING
