"""Steps for Windows-side causes an administrator (or the person, in Windows settings) has to
take: nothing here is changed by this tool. The commands are shown under Details only."""

from __future__ import annotations

from wizard.core.i18n import tr
from wizard.fixes.guidance import GuidanceFix

ADMIN_ROOT_UPDATE = GuidanceFix(
    "admin-root-update",
    tr("guidance", "Let Windows update its root certificates (administrator)"),
    tr(
        "guidance",
        "Windows is not allowed to download the root certificates it is missing, or cannot "
        "check a certificate's revocation. This is usually a company policy, so it needs your "
        "IT administrator's approval.",
    ),
    (
        tr(
            "guidance",
            "Ask your IT administrator to set the policy 'Turn off Automatic Root Certificates "
            "Update' to Disabled (first command under Details), or to install the missing root "
            "certificate on this computer.",
        ),
        tr(
            "guidance",
            "Then refresh Windows' certificate cache as administrator (second command) and "
            "restart the computer: in the reported case the change worked only after a restart.",
        ),
        tr("guidance", "Sign in to Codex again."),
    ),
    (
        r'reg add "HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot" '
        r"/v DisableRootAutoUpdate /t REG_DWORD /d 0 /f",
        r"certutil -setreg chain\ChainCacheResyncFiletime @now",
    ),
    platforms=("windows",),
)

WSL = ("linux", "windows")  # the steps are taken in WSL's Linux and in Windows

WSL_PROXY_ADDRESS = GuidanceFix(
    "wsl-proxy-address",
    tr("guidance", "Give WSL a proxy address it can reach"),
    tr(
        "guidance",
        "The proxy program listens on Windows' own 127.0.0.1. Inside WSL that address is the "
        "Linux system itself, so WSL needs another way to reach the proxy.",
    ),
    (
        tr(
            "guidance",
            "In NAT networking (WSL's default): switch WSL to mirrored networking (the first "
            "line under Details, in the [wsl2] section of the .wslconfig file in your Windows "
            "user folder) and restart WSL from Windows (second command).",
        ),
        tr(
            "guidance",
            "Or point the proxy variable inside WSL at Windows' address, which WSL shows as its "
            "gateway (third command), and allow connections from the local network in the "
            "proxy program.",
        ),
        tr(
            "guidance",
            "In mirrored networking 127.0.0.1 should reach Windows, but a known WSL problem "
            "sometimes stops it: update WSL from Windows (fourth command), restart it, or use "
            "Windows' address as above.",
        ),
    ),
    ("networkingMode=mirrored", "wsl --shutdown", "ip route show default", "wsl --update"),
    platforms=WSL,
)

WSL_MTU = GuidanceFix(
    "wsl-mtu",
    tr("guidance", "Match WSL's packet size to the VPN"),
    tr(
        "guidance",
        "A VPN on Windows carries smaller packets than WSL sends, so secure connections from "
        "WSL open and then stall. Lowering WSL's packet size (MTU) to the VPN's fixes that.",
    ),
    (
        tr(
            "guidance",
            "Inside WSL, run the command under Details. If the VPN's size in the check's details "
            "is smaller than 1350, use that number instead.",
        ),
        tr(
            "guidance",
            "Sign in again. The change lasts until WSL restarts; your IT department may know a "
            "lasting setting for your VPN.",
        ),
        tr("guidance", "Or sign in while the VPN is off, if your network allows it."),
    ),
    ("sudo ip link set dev eth0 mtu 1350",),
    platforms=WSL,
)

WSL_DNS = GuidanceFix(
    "wsl-dns",
    tr("guidance", "Let WSL find names again"),
    tr(
        "guidance",
        "Linux inside WSL asks the name server WSL wrote into /etc/resolv.conf, not Windows. "
        "When that server does not answer, WSL cannot find the sign-in server while Windows "
        "can.",
    ),
    (
        tr("guidance", "In Windows, restart WSL (first command under Details) and try again."),
        tr(
            "guidance",
            "If it keeps failing, turn on DNS tunneling (the second line, in the [wsl2] section "
            "of the .wslconfig file in your Windows user folder), restart WSL again and retry.",
        ),
        tr(
            "guidance",
            "If your company's VPN needs its own name servers, your IT department can tell you "
            "which ones WSL should use.",
        ),
    ),
    ("wsl --shutdown", "dnsTunneling=true"),
    platforms=WSL,
)

DESKTOP_APP_UPDATE = GuidanceFix(
    "desktop-app-update",
    tr("guidance", "Update the Codex app, then report what stays"),
    tr(
        "guidance",
        "The Codex app's own log shows an error with the app's own files that no setting of "
        "this computer is known to cause. It was reported after app updates "
        "(openai/codex#46786), and only OpenAI can change the app.",
    ),
    (
        tr(
            "guidance",
            "Update the Codex app: Microsoft Store > Library > Get updates (or the update "
            "button in the app), then close the app completely and start it again.",
        ),
        tr(
            "guidance",
            "If the error stays, report it at https://github.com/openai/codex/issues (the "
            "report #46786 describes it) with your app version and the log line under Details.",
        ),
    ),
    platforms=("windows",),
)
