"""wizard.app.plans_wire: every fix's plan comes back from the wire as the plan the window
would have made itself - bytes, variables, its data and its texts, translatable still."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e import clean_env, free_port
from tests.helpers import lab_target, make_env
from tests.ui.scenarios import REAL_SPECS
from wizard.app.fixing import PlannedFix, plan_fixes
from wizard.app.plans_wire import (
    planned_from_wire,
    planned_to_wire,
    request_to_wire,
    session_from_wire,
)
from wizard.app.session import Session
from wizard.core.diagnose import diagnose
from wizard.core.i18n import Text, tr
from wizard.core.profile import load_profile
from wizard.fixes.catalog import fix_ids
from wizard.fixes.plan import EnvEdit, FixPlan
from wizard.platform.file_edit import FileEdit
from wizard.platform.system import system_environment


def same(a: object, b: object) -> bool:
    """Equal, and every Text the same translatable text (context, template, parameters)."""
    if isinstance(a, Text) or isinstance(b, Text):
        return (
            isinstance(a, Text)
            and isinstance(b, Text)
            and (a.context, a.template) == (b.context, b.template)
            and same(a.params, b.params)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if hasattr(a, "__dataclass_fields__") and type(a) is type(b):
        return all(same(getattr(a, n), getattr(b, n)) for n in a.__dataclass_fields__)
    return type(a) is type(b) and a == b


def through_the_wire(planned: PlannedFix) -> PlannedFix:
    return planned_from_wire(json.loads(json.dumps(planned_to_wire(planned))))


def _intercepted_session(home: Path, pki, auth_server, proxy) -> Session:
    """An intercepted connection, a stale proxy and CA file and a sign-in variable too, the
    organisation's root picked: most fixes have something to change."""
    (home / ".profile").write_bytes(b"# mine\r\nexport SSL_CERT_FILE=/nowhere/ca.pem\r\n")
    variables = {
        "HTTPS_PROXY": proxy.url,
        "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
        "SSL_CERT_FILE": "/nowhere/ca.pem",
        "CODEX_ACCESS_TOKEN": "not-a-real-token",
    }
    env = make_env(home, variables)
    profile, target = load_profile(), lab_target(auth_server.url, free_port())
    session = Session(env, profile, target, REAL_SPECS, 6.0, extra_ca=pki.corp_ca_pem)
    session.diagnosis = diagnose(REAL_SPECS, env, profile, target, 6.0)
    return session


def test_every_fix_plan_comes_back_the_same(home, pki, auth_server, proxy_factory):
    session = _intercepted_session(home, pki, auth_server, proxy_factory("intercept"))
    assert session.diagnosis is not None
    assert session.diagnosis.verdict.cause == "tls_interception"
    planned = plan_fixes(session, fix_ids())
    assert {p.fix_id for p in planned} >= {"ca-bundle", "ca-env-repair", "auth-env-repair"}
    for item in planned:
        back = through_the_wire(item)
        assert back == item, item.fix_id
        assert same(back, item), item.fix_id
    bundle = next(p for p in planned if p.fix_id == "ca-bundle")
    assert bundle.automatic and bundle.plan.files[0].after.startswith(b"# Certificate bundle")
    assert isinstance(through_the_wire(bundle).plan.files[0].preview, Text)
    assert any(p.plan.env for p in planned)  # (variables too, not only files)


def test_a_plan_keeps_its_bytes_consent_and_data_as_they_were(tmp_path):
    edits = (
        FileEdit(tmp_path / "a", "~/a", None, b"\x00\xff\r\nnot utf-8 \xe9", tr("t", "new")),
        FileEdit(tmp_path / "b", "~/b -> /b", b"gone\n", None, hidden=("OPENAI_API_KEY",)),
        FileEdit(tmp_path / "c", "~/c", b"", b""),
    )
    plan = FixPlan(
        "port-release",
        tr("port_release", "Free the port"),
        tr("port_release", "Port {port} is used by {holder}.", port=1455, holder="othertool"),
        files=edits,
        env=(EnvEdit("A", None, "1"), EnvEdit("CODEX_API_KEY", "sk-x", None, secret=True)),
        actions=(tr("t", "end {name}", name="othertool"),),
        commands=("kill 4242",),
        rechecks=("callback_port",),
        applicable=False,
        reason=tr("t", "because"),
        other_platform=True,
        guidance_only=True,
        data={"actions": [{"kind": "end", "pid": 4242, "created": 1.5}], "consent": ["x"]},
        headline=tr("t", "Ends {name}.", name=tr("t", "a {what}", what="tool")),
    )
    planned = PlannedFix("port-release", plan, True, "othertool")
    back = through_the_wire(planned)
    assert back == planned and same(back, planned)
    assert back.plan.files[0].after == b"\x00\xff\r\nnot utf-8 \xe9"


def test_the_child_gets_the_case_it_plans_for(home, pki, auth_server, proxy_factory):
    session = _intercepted_session(home, pki, auth_server, proxy_factory("intercept"))
    session.file_hint = tr("fixing", "and choose it with the button below.")
    data = json.loads(json.dumps(request_to_wire(session)))
    child = session_from_wire(data, session.env, session.profile, session.target)
    assert child.diagnosis == session.diagnosis
    assert child.extra_ca == pki.corp_ca_pem
    assert same(child.file_hint, session.file_hint)
    assert child.given_specs is None  # the real catalog, as the window's own session


def test_the_planning_child_makes_the_plans_this_process_makes(
    home, pki, auth_server, proxy_factory
):
    """`plan --wire` (the window's child): the case on stdin, the same plans back."""
    proxy = proxy_factory("intercept")
    variables = clean_env(home, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    env, profile = system_environment(variables), load_profile()
    port = free_port()
    target = profile.target(auth_server.url, port)
    session = Session(env, profile, target, None, 6.0, extra_ca=pki.corp_ca_pem)
    session.diagnosis = diagnose(REAL_SPECS, env, profile, target, 6.0)
    args = ["plan", "--wire", "--auth-url", auth_server.url, "--callback-port", str(port)]
    done = subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        input=json.dumps(request_to_wire(session)),
        capture_output=True,
        text=True,
        env=variables,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(text) for text in done.stdout.splitlines()]
    planned = [planned_from_wire(p) for p in line["plans"]]
    assert planned[0].fix_id == "ca-bundle" and planned[0].automatic
    assert planned == plan_fixes(session, session.diagnosis.verdict.fixes)
