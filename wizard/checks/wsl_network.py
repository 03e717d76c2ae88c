"""WSL 2's own network, from inside the Linux side where Codex runs (field §1.14). Three ways
it breaks the sign-in while Windows itself is fine:
- a proxy inherited from Windows as http://127.0.0.1:PORT: inside WSL that address is the
  Linux system's own, so the proxy program on Windows is not there (in mirrored mode WSL
  often cannot reach Windows' loopback either, microsoft/WSL#12245);
- a VPN on Windows whose tunnel carries smaller packets than WSL's eth0 sends: TCP connects,
  then the TLS handshake's large packets vanish and it stalls (microsoft/WSL#4698, #4246);
- the resolver WSL wrote into /etc/resolv.conf not answering (and #42528, where a Codex build
  asked 127.0.0.1:53 instead).
This check runs once the name lookup is done, beside the connection checks; the proxy and MTU
faults count only with the failure they explain (`requires` in resources/causes.json), since a
dead proxy or a stalled handshake can use up the whole budget. On Windows, where an editor runs
Codex inside WSL, it compares WSL's eth0 with the VPN here, and that counts when the user's own
Codex inside WSL got no answer. Elsewhere it costs nothing."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import Any

from wizard.core.engine import CheckContext
from wizard.core.findings.editors import WslFindings
from wizard.core.findings.system import WslNetworkFindings
from wizard.core.i18n import join, sentences, tr
from wizard.core.model import Outcome, Status
from wizard.net.route import effective_route
from wizard.platform import wsl_net

COMMAND_CAP_S = 3.0


def check_wsl_network(ctx: CheckContext) -> Outcome:
    env = ctx.env
    if env.platform == "windows":
        return _from_windows(ctx)
    if not wsl_net.inside_wsl(env):
        return Outcome(Status.SKIP, tr("wsl_network", "Only relevant inside WSL."))

    def timeout() -> float:
        return ctx.budget.timeout(COMMAND_CAP_S)

    mode_text, mode_problem = wsl_net.run_text(env, wsl_net.WSLINFO_MODE, timeout)
    mode = wsl_net.parse_networking_mode(mode_text or "") or tr("rules", "unknown")
    eth0 = wsl_net.read_eth0_mtu(env)
    table, netsh_problem = wsl_net.run_text(env, wsl_net.NETSH_SUBINTERFACES, timeout)
    adapters = wsl_net.parse_subinterfaces(table or "")
    nameservers = wsl_net.read_nameservers(env)
    evidence = WslNetworkFindings(
        networking_mode=mode,
        eth0_mtu=eth0,
        windows_adapters=tuple(a.to_json() for a in adapters),
        nameservers=tuple(nameservers),
        # A Codex build that asks 127.0.0.1:53 instead of resolv.conf's server (#42528) gets
        # an answer only if something listens there.
        port_53_listeners=tuple(sorted({h.address for h in env.ports.listeners(53)})),
        problems={k: v for k, v in (("wslinfo", mode_problem), ("netsh", netsh_problem)) if v},
    )
    facts: dict[str, Any] = {"mode": mode, "host": ctx.target.host}
    faults: list[str] = []
    summaries: list[str] = []

    proxy = _loopback_proxy_nobody_serves(ctx)
    if proxy:
        facts["proxy"] = proxy
        faults.append("wsl_loopback_proxy")
        summaries.append(
            tr(
                "wsl_network",
                "Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, "
                "but nothing inside WSL listens there: a proxy program on Windows cannot be "
                "reached at WSL's own loopback address.",
                mode=mode,
                proxy=proxy,
            )
        )
    narrower = wsl_net.narrower_uplink(eth0, adapters)
    if eth0 and narrower:
        facts |= _mtu_facts(eth0, narrower)
        faults.append("wsl_mtu_mismatch")
        summaries.append(_mtu_sentence(eth0, narrower))
    dns = ctx.dep("dns")
    if dns is not None and "dns_failure" in dns.faults:
        shown = join(nameservers, ", ") if nameservers else tr("wsl_network", "none")
        facts["nameservers"] = shown
        faults.append("wsl_dns_unanswered")
        summaries.append(
            tr(
                "wsl_network",
                "The name server WSL set for Linux in /etc/resolv.conf ({nameservers}) does "
                "not find {host}.",
                nameservers=shown,
                host=ctx.target.host,
            )
        )
    evidence = replace(evidence, facts=facts)
    if "wsl_dns_unanswered" in faults:
        return Outcome(Status.FAIL, sentences(*summaries), evidence, tuple(faults))
    if summaries:
        return Outcome(Status.WARN, sentences(*summaries), evidence, tuple(faults))
    return Outcome(
        Status.PASS,
        tr(
            "wsl_network",
            "Codex runs inside WSL ({mode} networking); its proxy, packet size and name "
            "server show no known WSL problem.",
            mode=mode,
        ),
        evidence,
    )


def _loopback_proxy_nobody_serves(ctx: CheckContext) -> str | None:
    """The proxy Codex would use, when it is on this Linux's loopback and no program inside
    WSL listens on its port (looked up locally: nothing is sent anywhere)."""
    route = effective_route(ctx)
    address = route.proxy_address
    if address is None or not _is_loopback(address[0]):
        return None
    if ctx.env.ports.listeners(address[1]):
        return None
    return route.proxy_display


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _from_windows(ctx: CheckContext) -> Outcome:
    """Codex runs inside WSL for an editor (the wsl check proved it) while this program runs on
    Windows: WSL's eth0 MTU is read through wsl.exe, the adapters here. The mismatch counts when
    the user's own Codex, asked inside WSL, got no answer (`requires` codex_probe_transport)."""
    env = ctx.env
    found = ctx.findings(WslFindings)
    system = found.system if found is not None else None
    if system is None or not system.editors_running_codex_in_wsl:
        return Outcome(
            Status.SKIP, tr("wsl_network", "Not relevant: Codex does not run inside WSL here.")
        )

    def timeout() -> float:
        return ctx.budget.timeout(COMMAND_CAP_S)

    mtu_text, mtu_problem = wsl_net.run_text(env, wsl_net.eth0_mtu_argv(system.default), timeout)
    eth0 = wsl_net.parse_mtu(mtu_text or "")
    table, netsh_problem = wsl_net.run_text(env, wsl_net.NETSH_SUBINTERFACES, timeout)
    adapters = wsl_net.parse_subinterfaces(table or "")
    evidence = WslNetworkFindings(
        networking_mode=system.networking_mode,
        eth0_mtu=eth0,
        windows_adapters=tuple(a.to_json() for a in adapters),
        problems={k: v for k, v in (("wsl", mtu_problem), ("netsh", netsh_problem)) if v},
    )
    if eth0 is None or not adapters:
        return Outcome(
            Status.SKIP,
            tr("wsl_network", "Could not compare WSL's packet size with this computer's."),
            evidence,
        )
    narrower = wsl_net.narrower_uplink(eth0, adapters)
    if narrower is None:
        return Outcome(
            Status.PASS,
            tr("wsl_network", "WSL's packet size matches this computer's connections."),
            evidence,
        )
    facts = {"host": ctx.target.host} | _mtu_facts(eth0, narrower)
    return Outcome(
        Status.WARN,
        _mtu_sentence(eth0, narrower),
        replace(evidence, facts=facts),
        ("wsl_mtu_mismatch_probe",),
    )


def _mtu_facts(eth0: int, narrower: wsl_net.Subinterface) -> dict[str, Any]:
    return {"eth0_mtu": eth0, "adapter": narrower.name, "adapter_mtu": narrower.mtu}


def _mtu_sentence(eth0: int, narrower: wsl_net.Subinterface) -> Any:
    return tr(
        "wsl_network",
        "WSL sends packets of up to {eth0_mtu} bytes, but the Windows connection "
        "{adapter} carries only {adapter_mtu}: connections open, then secure "
        "connections can stall.",
        eth0_mtu=eth0,
        adapter=narrower.name,
        adapter_mtu=narrower.mtu,
    )
