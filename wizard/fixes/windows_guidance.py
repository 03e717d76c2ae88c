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
