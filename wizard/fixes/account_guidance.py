"""Steps for causes on the account side, or in another program that holds the sign-in, which
this tool does not change: what the person (or their workspace admin, or OpenAI support) does
next."""

from __future__ import annotations

from wizard.core.i18n import tr
from wizard.fixes.guidance import SIGNS_OUT_FIRST, GuidanceFix

ACCOUNT_SUPPORT = GuidanceFix(
    "account-support",
    tr("guidance", "Get help with your OpenAI account"),
    tr(
        "guidance",
        "A check on your account (such as a phone verification) stops the sign-in. Only "
        "OpenAI can change that.",
    ),
    (
        tr(
            "guidance",
            "Sign out of chatgpt.com in your browser, then start the sign-in again from Codex "
            "(some people report that this helps; it is not confirmed by OpenAI).",
        ),
        tr(
            "guidance",
            "If it still stops, open https://help.openai.com/ and contact support with the exact "
            "text of the page and the time it happened.",
        ),
    ),
)

WORKSPACE_ADMIN = GuidanceFix(
    "workspace-admin",
    tr("guidance", "Ask your workspace admin"),
    tr(
        "guidance",
        "Your ChatGPT workspace or your organisation decides how you may sign in to Codex.",
    ),
    (
        tr(
            "guidance",
            "Tell your workspace admin the exact message you saw and ask them to allow Codex "
            "sign-in for you (workspace settings and permissions on chatgpt.com).",
        ),
        tr(
            "guidance",
            "Or sign in with the workspace or account your organisation allows for Codex.",
        ),
    ),
)

POLICY_ADMIN = GuidanceFix(
    "policy-admin",
    tr("guidance", "Ask your IT administrator"),
    tr(
        "guidance",
        "Settings your organisation put on this computer decide how you may sign in to Codex. "
        "Sign-in Doctor does not change them.",
    ),
    (
        tr(
            "guidance",
            "Sign in the way the settings allow: the methods and workspaces are named above.",
        ),
        tr(
            "guidance",
            "Or ask your IT administrator to allow signing in with ChatGPT; tell them the file "
            "or profile named above.",
        ),
    ),
)

RETRY_FRESH_SESSION = GuidanceFix(
    "retry-fresh-session",
    tr("guidance", "Start a fresh sign-in"),
    tr("guidance", "An old or doubled sign-in in the browser no longer matches Codex's."),
    (
        tr("guidance", "Close every browser tab of auth.openai.com and chatgpt.com sign-in."),
        tr("guidance", "Start one sign-in from Codex and finish it in the tab it opens."),
        tr("guidance", "Do not use the Back button or an older link during the sign-in."),
    ),
)

SINGLE_REFRESHER_RELOGIN = GuidanceFix(
    "single-refresher-relogin",
    tr("guidance", "Let only one program renew the sign-in, then sign in again"),
    tr(
        "guidance",
        "Several programs that renew the same saved sign-in use it up for each other.",
    ),
    (
        tr(
            "guidance",
            "Quit the other programs that use your Codex sign-in: other Codex apps, account "
            "switchers and local proxy tools.",
        ),
        SIGNS_OUT_FIRST,
        tr("guidance", "Then run the command below once, in a terminal."),
    ),
    ("codex login",),
)

STOP_AUTH_MANAGER = GuidanceFix(
    "stop-auth-manager",
    tr("guidance", "Stop the program that rewrites your sign-in"),
    tr(
        "guidance",
        "Account switchers and local proxy tools (CC Switch, Cockpit Tools, Codex Switcher, "
        "CLIProxyAPI, codex-auth) swap or renew Codex's saved sign-in and rewrite its settings.",
    ),
    (
        tr(
            "guidance",
            "In that program, turn off its proxy takeover or switch back to the official OpenAI "
            "sign-in, so it puts Codex's settings back.",
        ),
        tr(
            "guidance",
            "Quit it, also from the tray or the menu bar, and stop it from starting with your "
            "computer. If it keeps coming back, uninstall it.",
        ),
        tr(
            "guidance",
            "Run this diagnosis again: it should no longer find the program or its settings.",
        ),
        SIGNS_OUT_FIRST,
        tr("guidance", "Then sign in once, with the command below in a terminal."),
    ),
    ("codex login",),
)
