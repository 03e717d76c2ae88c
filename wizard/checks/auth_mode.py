"""Variables that make Codex use another sign-in than the one the browser saves (field §1.7).

Codex reads them from its own environment and from `$CODEX_HOME/.env` (CODEX_ keys are ignored
there), like the proxy variables (wizard.net.route.CodexVariables); the user's saved
variables are what the next editor or terminal starts with. What each one does is
the profile's `auth_mode` list, measured with the real Codex 0.169 `codex login status`
(tests/lab/test_auth_mode_oracle.py): CODEX_ACCESS_TOKEN replaces the saved sign-in; one half
of a workload identity (OPENAI_FEDERATION_RULE_ID, OPENAI_IDENTITY_TOKEN_FILE) makes Codex ask
for the other half, both make it sign in as that identity; OPENAI_BASE_URL leaves the sign-in
alone but sends the signed-in requests elsewhere (openai/codex#12764: 401). API-key variables
change nothing there, and so does CODEX_ACCESS_TOKEN where the sign-in settings allow only API
keys (wizard.checks.login_policy). Only names and where they are set are reported, never a
value."""

from __future__ import annotations

from typing import Any

from wizard.checks.login_policy import login_methods
from wizard.core.engine import CheckContext
from wizard.core.findings.signin import AuthModeFindings, AuthVariable
from wizard.core.i18n import and_list, or_list, sentences, tr
from wizard.core.model import Outcome, Status
from wizard.net.route import CodexVariables
from wizard.platform.env_store import env_store_for

ACCESS_TOKEN = "access_token_env"
WORKLOAD_PARTIAL = "workload_identity_partial"
WORKLOAD = "workload_identity_env"


def auth_mode_variables(ctx: CheckContext) -> list[dict[str, str]]:
    """[{"name", "where", "effect"}] of every auth-mode variable Codex would see set: in this
    session, in `$CODEX_HOME/.env`, or saved for the programs started next (the user's
    variables: HKCU\\Environment, launchctl, Sign-in Doctor's own environment.d file), where an
    editor started later gets it even when this session does not have it."""
    variables = CodexVariables(ctx.env, ctx.profile)
    store = env_store_for(ctx.env)
    places = or_list(store.places())
    saved = tr("auth_mode", "saved for programs you start ({places})", places=places)
    found: list[dict[str, str]] = []
    for spec in ctx.profile["auth_mode"]["vars"]:
        name = spec["name"]
        seen = variables.get(name)
        if seen is not None and (seen[1] or spec.get("empty_counts")):
            here = seen[0] == name
            where = tr("auth_mode", "this session") if here else seen[0].rsplit(": ", 1)[0]
        elif seen is None and store.current(name):
            where = saved
        else:
            continue
        found.append({"name": name, "where": where, "effect": spec["effect"]})
    return found


def _named(items: list[dict[str, str]]) -> Any:
    return and_list(
        [tr("auth_mode", "{name} ({where})", name=i["name"], where=i["where"]) for i in items]
    )


def check_auth_mode(ctx: CheckContext) -> Outcome:
    found = auth_mode_variables(ctx)
    by_effect: dict[str, list[dict[str, str]]] = {}
    for item in found:
        by_effect.setdefault(item["effect"], []).append(item)
    ignored: list[str] | None = None
    faults: list[str] = []
    said: list[Any] = []
    workload = by_effect.get("workload", [])
    replaces = by_effect.get("replaces", [])
    if replaces and "chatgpt" not in login_methods(ctx.env, ctx.profile):
        # Where only API keys are allowed, Codex 0.169 ignores an access token (measured).
        ignored = [i["name"] for i in replaces]
        by_effect.setdefault("inert", []).extend(replaces)
        replaces = []
    if len(workload) == 1:
        faults.append(WORKLOAD_PARTIAL)
        other = next(
            s["name"]
            for s in ctx.profile["auth_mode"]["vars"]
            if s["effect"] == "workload" and s["name"] != workload[0]["name"]
        )
        said.append(
            tr(
                "auth_mode",
                "{variable} is set without {other}: Codex then tries to sign in as a workload "
                "identity instead of with your saved sign-in, and fails (“workload identity "
                "requires {other}”)",
                variable=_named(workload),
                other=other,
            )
        )
    elif workload:
        faults.append(WORKLOAD)
        said.append(
            tr(
                "auth_mode",
                "{variables} are set: Codex signs in as that workload identity (a server "
                "account), not with the sign-in you saved in the browser",
                variables=_named(workload),
            )
        )
    if replaces:
        faults.append(ACCESS_TOKEN)
        said.append(
            tr(
                "auth_mode",
                "{variable} is set: Codex uses it instead of your saved sign-in, and while it "
                "is there `codex login status` fails (“failed to decode agent identity JWT”)",
                variable=_named(replaces),
            )
        )
    base_url = by_effect.get("base_url", [])
    if base_url:
        said.append(
            tr(
                "auth_mode",
                "{variable} is set: signing in still works, but Codex sends its requests "
                "there, and with a ChatGPT sign-in a base URL such as the API's answers "
                "401 Unauthorized (openai/codex#12764); take it out unless a program of yours "
                "needs it",
                variable=_named(base_url),
            )
        )
    # OPENAI_BASE_URL is also set on purpose (a local gateway): only named, never removed.
    removable = [i["name"] for i in workload + replaces]
    facts: dict[str, str] = {}
    if faults:
        # The verdict tells the first fault (a workload identity comes first in Codex too).
        first = workload or replaces
        facts = {
            "variables": and_list([i["name"] for i in first]),
            "where": and_list(list(dict.fromkeys(i["where"] for i in first))),
            "remove": and_list(removable),
        }
    evidence = AuthModeFindings(
        variables=tuple(AuthVariable(**i) for i in found),
        ignored=tuple(ignored) if ignored is not None else None,
        remove=tuple(removable),
        facts=facts,
    )
    if faults:
        return Outcome(
            Status.FAIL, sentences(*(_sentence(s) for s in said)), evidence, tuple(faults)
        )
    if said:
        return Outcome(Status.WARN, sentences(*(_sentence(s) for s in said)), evidence)
    inert = by_effect.get("inert", [])
    if inert:
        return Outcome(
            Status.PASS,
            tr(
                "auth_mode",
                "{variables} is set; it does not change which sign-in Codex uses.",
                variables=_named(inert),
            ),
            evidence,
        )
    return Outcome(
        Status.PASS,
        tr("auth_mode", "No variable makes Codex use another sign-in than the one you save."),
        evidence,
    )


def _sentence(text: Any) -> Any:
    return tr("auth_mode", "{finding}.", finding=text)
