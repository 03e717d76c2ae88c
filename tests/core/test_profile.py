from __future__ import annotations

import pytest

from wizard.core.profile import load_profile


def test_default_target_is_the_codex_auth_host_with_both_ports():
    target = load_profile().target()
    assert (target.host, target.port, target.callback_ports) == (
        "auth.openai.com",
        443,
        (1455, 1457),
    )
    assert target.is_default_host


def test_overrides_keep_the_fallback_and_mark_the_host_as_not_default():
    target = load_profile().target("https://localhost:8443/", callback_port=2455)
    assert target.auth_url == "https://localhost:8443"
    assert (target.host, target.port) == ("localhost", 8443)
    assert target.callback_ports == (2455, 1457)
    assert not target.is_default_host


@pytest.mark.parametrize("bad", ["ftp://x", "localhost", "https://"])
def test_bad_urls_are_refused(bad):
    with pytest.raises(ValueError):
        load_profile().target(bad)
