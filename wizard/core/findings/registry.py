"""Which payload class each check's findings are, so the window's wire and a case file give
back the typed object a check returned (see wizard.core.findings)."""

from __future__ import annotations

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


def rebuild(check_id: str, status: Status, evidence: JsonObject) -> Findings:
    """The findings whose JSON `evidence` is, for a result of `check_id` with `status`
    (KeyError for a check there is none of, TypeError for evidence of another shape)."""
    if not evidence:
        return NOTHING
    if status is Status.ERROR:
        return CheckFailure.from_json(evidence)
    return PAYLOADS[check_id].from_json(evidence)


def findings_in(check: JsonObject) -> Findings:
    """The findings of one check of a diagnosis document (`--json`, a case file's
    report.json), typed again; evidence a report hid, or of another shape, is nothing."""
    try:
        return rebuild(check["id"], Status(check["status"]), check.get("evidence") or {})
    except (KeyError, TypeError, ValueError):
        return NOTHING
