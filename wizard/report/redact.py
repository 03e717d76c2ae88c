"""The one redaction of the program: every string that leaves the machine (`--json`, the case
file, the preview) and every secret a check or a fix could show (a server's answer, a log
line, a proxy URL, a diff).

Removed, and replaced by the one marker `<redacted>` so a reader knows something was there:
- tokens: JWTs (`eyJ…`), `Bearer`/`Basic` credentials, GitHub tokens
- API keys (`sk-…`, `sk-proj-…`)
- values of secret-named fields and parameters, in URLs (`?code=<redacted>&state=<redacted>`),
  `NAME=value` lines, JSON text and document keys: code, state, id_token, access_token,
  refresh_token, token, code_verifier, user_code, key, api_key, password, secret, ... The name
  stays. `code`, `state`, `key` and the like also name harmless things (an exit code, a setting
  key), so outside a URL query they are redacted only when the value looks like a secret
  (`redact_secrets(named=True)`, for log lines, redacts them whatever they look like).
- the password in a URL (`http://user:<redacted>@host`); the user name stays, IT needs it

Personal data is replaced by a word for what it was, so the help desk can still read the
sentence (in reports: `redact_text`; a check's evidence is shown to its own user):
- e-mail addresses -> `<email>`
- the user name in home paths: `/home/<user>/`, `/Users/<user>/`, `C:\\Users\\<user>\\`; the
  home folder itself (from `home_hints`, by default this process's HOME/USERPROFILE) -> `~`
- private key blocks, and long opaque strings (32+ base64url/hex characters with letters and
  digits: session ids, account UUIDs, keys of unknown kinds) -> `<redacted>`

Kept on purpose:
- certificate fingerprints and serial numbers: values under keys whose name contains `sha256`,
  `sha1`, `fingerprint`, `thumbprint`, `serial` or `spki`, and hex right after such a label in
  text. They are public facts about a certificate (it is sent to every client) and the help desk
  compares them with IT's root. Kept only when they look like one (hex or base64); anything else
  under such a key is redacted like any other value. PEM certificate blocks are public too.
- host names, IP addresses and ports: they are the diagnosis.

Idempotent: no marker matches a pattern again, so redacting twice changes nothing.

Entry points: `redact_text` / `redact_document(_with_log)` (reports, `--json`: everything
above), `redact_secrets` (a check's evidence and a fix's preview and diff: secrets only, the rest is
the user's own), `redact_url` (one proxy URL shown), `drop_url_queries` (a log line: whole query
strings go).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wizard.core.i18n import tr

REDACTED = "<redacted>"  # the one marker for a removed secret
EMAIL = "<email>"
USER = "<user>"
MARKERS = frozenset({REDACTED, EMAIL, USER, ""})

# Kinds, in the order the preview lists them, with words for people.
KIND_LABELS: dict[str, str] = {
    "token": tr("redact", "sign-in tokens"),
    "api_key": tr("redact", "API keys"),
    "oauth_code": tr("redact", "sign-in codes"),
    "oauth_state": tr("redact", "sign-in state values"),
    "password": tr("redact", "passwords"),
    "secret": tr("redact", "other secret values"),
    "email": tr("redact", "e-mail addresses"),
    "user_name": tr("redact", "your user name"),
    "home": tr("redact", "your home folder"),
}

MAX_PLACES = 20  # places recorded per kind for the preview


@dataclass(frozen=True)
class RedactionNote:
    """What one kind of redaction removed: for the preview ("3 sign-in tokens removed")."""

    kind: str
    label: str
    count: int
    places: tuple[str, ...] = ()  # where in the document (e.g. "checks[2].evidence.proxy")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "count": self.count,
            "places": list(self.places),
        }


@dataclass
class _Log:
    counts: dict[str, int] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)
    where: str = ""

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n
        seen = self.places.setdefault(kind, [])
        if self.where and self.where not in seen and len(seen) < MAX_PLACES:
            seen.append(self.where)

    def notes(self) -> list[RedactionNote]:
        return [
            RedactionNote(kind, KIND_LABELS[kind], self.counts[kind], tuple(self.places[kind]))
            for kind in KIND_LABELS
            if self.counts.get(kind)
        ]


# --- what a secret looks like -------------------------------------------------------------

_OPAQUE_CHARS = re.compile(r"[A-Za-z0-9_~+/=-]+")


def _looks_secret(value: str, min_len: int = 12) -> bool:
    """Random-looking: long enough, token characters only, letters with digits (or long and
    mixed case). Plain words, versions with dots and setting names are not."""
    if len(value) < min_len or not _OPAQUE_CHARS.fullmatch(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    if has_digit and has_alpha:
        return True
    mixed = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return len(value) >= 20 and mixed


# Words a check writes about a secret instead of its value ("access_token": "present").
_DESCRIPTIVE = frozenset(
    {
        "present",
        "missing",
        "absent",
        "set",
        "unset",
        "not set",
        "empty",
        "yes",
        "no",
        "none",
        "unknown",
        "keyring",
        "file",
        "stored",
        "expired",
        "valid",
        "invalid",
        "redacted",
    }
)


def _descriptive(value: str) -> bool:
    return value.strip().lower() in _DESCRIPTIVE


_FINGERPRINT_VALUE = re.compile(
    r"[0-9A-Fa-f]{2}(?::?[0-9A-Fa-f]{2})*|(?:sha256/)?[A-Za-z0-9+/]+={0,2}"
)


def _is_fingerprint(value: str) -> bool:
    return not value.startswith("eyJ") and _FINGERPRINT_VALUE.fullmatch(value) is not None


# --- names ----------------------------------------------------------------------------------

# Always secret when named (any prefix: OPENAI_API_KEY, GITHUB_TOKEN, proxy_password).
_SURE_NAME = (
    r"[A-Za-z0-9_-]*?(?:token|secret|password|passwd|api[_-]?key|apikey|code[_-]verifier"
    r"|code[_-]challenge|user[_-]code|device[_-]auth[_-]id|private[_-]key|authorization|cookie)"
)
# Secret in a URL query; elsewhere only when the value looks random (exit code=1, key=http.proxy).
_AMBIGUOUS_NAME = r"(?:code|state|key|nonce|sig|signature|ticket|otp)"
_SURE_KEY = re.compile(_SURE_NAME, re.I)
_AMBIGUOUS_KEY = re.compile(_AMBIGUOUS_NAME, re.I)
_ALWAYS_KEY = re.compile(r"[A-Za-z0-9_-]*?(?:password|passwd|secret|authorization|cookie)", re.I)
_FINGERPRINT_KEY = re.compile(r"sha-?256|sha-?1|fingerprint|thumbprint|serial|spki", re.I)
_USER_KEYS = frozenset({"username", "user_name", "account_name", "login_name"})
_EMAIL_KEYS = frozenset({"email", "e_mail", "e-mail", "mail"})


def _name_kind(name: str) -> str:
    low = name.lower().replace("-", "_")
    if low in ("code", "code_verifier", "code_challenge", "user_code", "otp", "ticket"):
        return "oauth_code"
    if low in ("state", "nonce"):
        return "oauth_state"
    if re.search(r"api_?key", low):
        return "api_key"
    if "token" in low or "authorization" in low or "cookie" in low:
        return "token"
    if "passw" in low:
        return "password"
    return "secret"


# --- text patterns --------------------------------------------------------------------------

_CERT_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]*?-----END CERTIFICATE-----")
_PRIVATE_KEY = re.compile(
    r"(-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY)-----)(?P<body>.*?)(-----END (?P=label)-----)",
    re.S,
)
# The password runs to the authority's last "@" (a password may hold "@", "?" or "#").
_USERINFO = re.compile(r"(?P<pre>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@\"'<>]*):(?P<pw>[^\s/\"'<>]+)@")
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]+){0,4}\.?")
_API_KEY = re.compile(r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{8,}")
_GITHUB_TOKEN = re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]|github_pat)_[A-Za-z0-9_]{20,}")
_AUTH_SCHEME = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?P<scheme>bearer|basic)(?P<sp>[ \t]+)(?P<v>[A-Za-z0-9._~+/-]+=*)"
)
_PAIR = re.compile(
    r"(?:(?<=[?&#;])|(?<![A-Za-z0-9_.-]))"
    r"(?P<q>[\"']?)(?P<name>" + _SURE_NAME + "|" + _AMBIGUOUS_NAME + r")(?P=q)"
    r"(?P<sep>[ \t]*[=:][ \t]*)"
    r"(?:(?P<vq>[\"'])(?P<qval>(?:(?!(?P=vq))[^\n])*)(?P=vq)"
    r"|(?P<val>\[[\w ]*\]|[^\s?&#\"'<>,;)}\]]+))",
    re.I,
)
# JSON literals, the scheme word of an `Authorization: Bearer …` header (its credential is
# handled on its own), and markers other tools leave ("code=[removed]"): nothing to hide there.
_KEPT_VALUES = re.compile(r"null|true|false|none|bearer|basic|\[[\w ]*(?:removed|redacted)\]", re.I)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
_NAME_CHARS = r"[^\\/\s\"'<>:;,|*?&=#`]"
_USER_PATH = re.compile(
    r"(?i)(?P<pre>(?:\b[A-Z]:)?(?:\\+|/)(?:users|home|documents and settings)(?:\\+|/))"
    r"(?P<name>" + _NAME_CHARS + r"+(?: " + _NAME_CHARS + r"+)*(?=[\\/])|" + _NAME_CHARS + r"+)"
)
_NOT_USERS = frozenset({"public", "default", "default user", "all users", "shared", "~"})
_OPAQUE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")
_FINGERPRINT_LABEL = re.compile(
    r"(?i)(?:sha-?256|sha-?1|fingerprint|thumbprint|serial(?:[ _]?number)?|spki)[^A-Za-z0-9]{0,4}$"
)
_GENERIC_NAMES = frozenset(
    {
        "root",
        "admin",
        "administrator",
        "user",
        "users",
        "home",
        "default",
        "public",
        "guest",
        "shared",
        "system",
        "tmp",
        "temp",
        "var",
    }
)


_LONG_RUN = re.compile(r"[A-Za-z0-9_\-+/=]{32,}")
_URL_QUERY = re.compile(r"(https?://[^\s?#\"'<>)\]]+)\?[^\s\"'<>)\]]*")


class _Text:
    """The text rules, bound to one set of home hints and one log. `personal`: e-mail
    addresses, user names and the home folder go too; `named`: a secret-named value goes
    whatever it looks like; `long_runs`: so does any run of 32+ base64/hex characters."""

    def __init__(
        self,
        home_hints: Iterable[str],
        log: _Log,
        personal: bool = True,
        named: bool = False,
        long_runs: bool = False,
    ) -> None:
        self.log = log
        self.personal = personal
        self.named = named
        self.long_runs = long_runs
        # Texts these rules leave alone: a document repeats most of its strings (keys, ids,
        # statuses; 374 distinct of 909 in a healthy diagnosis), each a dozen regex passes.
        # Only a text that came back unchanged with nothing logged is kept, so the log
        # counts every redaction as before.
        self._clean: set[str] = set()
        self.homes: list[re.Pattern[str]] = []
        self.names: list[re.Pattern[str]] = []
        for hint in sorted(
            {str(h) for h in home_hints if _usable_home(str(h))}, key=len, reverse=True
        ):
            flags = re.I if ("\\" in hint or re.match(r"[A-Za-z]:", hint)) else 0
            trimmed = hint.rstrip("/\\")
            self.homes.append(re.compile(re.escape(trimmed) + r"(?![^\\/\s\"'<>:;,)\]}])", flags))
            name = re.split(r"[\\/]", trimmed)[-1]
            if len(name) >= 3 and name.lower() not in _GENERIC_NAMES:
                self.names.append(
                    re.compile(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", flags)
                )

    def __call__(self, text: str) -> str:
        if text in self._clean:
            return text
        logged = sum(self.log.counts.values())
        original = text
        # A pattern's match can hide another one inside it; a second round finds those, so
        # redacting a redacted text never changes it (rarely needs more than one extra round).
        for _round in range(4):
            redacted = self._blocks(text)
            if redacted == text:
                break
            text = redacted
        if text == original and sum(self.log.counts.values()) == logged:
            self._clean.add(text)
        return text

    def _blocks(self, text: str) -> str:
        parts = _CERT_BLOCK.split(text)
        blocks = _CERT_BLOCK.findall(text)
        out = [self._redact(parts[0])]
        for block, part in zip(blocks, parts[1:], strict=True):
            out += [block, self._redact(part)]
        return "".join(out)

    def _redact(self, text: str) -> str:
        if not text:
            return text
        text = _PRIVATE_KEY.sub(self._private_key, text)
        for home in self.homes:
            text, n = home.subn("~", text)
            if n:
                self.log.add("home", n)
        text = _USERINFO.sub(self._userinfo, text)
        text = _JWT.sub(lambda m: self._mark("token"), text)
        text = _API_KEY.sub(lambda m: self._mark("api_key"), text)
        text = _GITHUB_TOKEN.sub(lambda m: self._mark("token"), text)
        text = _AUTH_SCHEME.sub(self._auth_scheme, text)
        text = _PAIR.sub(self._pair, text)
        if self.personal:
            text = _EMAIL_RE.sub(lambda m: self._mark("email", EMAIL), text)
            text = _USER_PATH.sub(self._user_path, text)
        text = _OPAQUE.sub(self._opaque, text)
        if self.long_runs:
            text = _LONG_RUN.sub(lambda m: self._mark("secret"), text)
        for name in self.names:
            text, n = name.subn(USER, text)
            if n:
                self.log.add("user_name", n)
        return text

    def _mark(self, kind: str, marker: str = REDACTED) -> str:
        self.log.add(kind)
        return marker

    def _private_key(self, m: re.Match[str]) -> str:
        if m["body"].strip() != REDACTED:
            self.log.add("secret")
        return f"{m[1]}\n{REDACTED}\n{m[4]}"

    def _userinfo(self, m: re.Match[str]) -> str:
        self.log.add("password")
        return _password_hidden(m)

    def _auth_scheme(self, m: re.Match[str]) -> str:
        if not _looks_secret(m["v"].replace(".", ""), 8):  # dots: JWTs, opaque session ids
            return m[0]
        self.log.add("token" if m["scheme"].lower() == "bearer" else "password")
        return f"{m['scheme']}{m['sp']}{REDACTED}"

    def _pair(self, m: re.Match[str]) -> str:
        name, quoted = m["name"], m["qval"] is not None
        value = m["qval"] if quoted else m["val"]
        if value in MARKERS or (not quoted and _KEPT_VALUES.fullmatch(value)):
            return m[0]
        start = m.start()
        in_query = start > 0 and m.string[start - 1] in "?&#;"
        in_query = in_query or (self.named and "=" in m["sep"])
        sure = _SURE_KEY.fullmatch(name) is not None
        colon = ":" in m["sep"]
        if not (in_query or (sure and (m["q"] or not colon))) and not _looks_secret(value):
            return m[0]  # e.g. "exit code=1", "key=http.proxy", "refresh token: timed out"
        self.log.add(_name_kind(name))
        replaced = f"{m['vq']}{REDACTED}{m['vq']}" if quoted else REDACTED
        return m[0][: m.start("sep") - start] + m["sep"] + replaced

    def _user_path(self, m: re.Match[str]) -> str:
        if m["name"].lower() in _NOT_USERS:
            return m[0]
        self.log.add("user_name")
        return m["pre"] + USER

    def _opaque(self, m: re.Match[str]) -> str:
        value = m[0]
        if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
            return value
        before = m.string[max(0, m.start() - 24) : m.start()]
        if _FINGERPRINT_LABEL.search(before) and _is_fingerprint(value):
            return value
        self.log.add("secret")
        return REDACTED


def _usable_home(path: str) -> bool:
    """A home worth hiding: not empty, not a root like "/" or "C:\\"."""
    trimmed = path.rstrip("/\\")
    return len(trimmed) >= 4 and bool(re.split(r"[\\/]", trimmed)[-1])


def default_home_hints() -> tuple[str, ...]:
    """This process's home folder(s): the CLI diagnoses the environment it runs in."""
    return tuple(v for v in (os.environ.get("HOME"), os.environ.get("USERPROFILE")) if v)


def redact_text(text: str, home_hints: Iterable[str] = ()) -> str:
    """`text` with every secret, e-mail address and user name replaced by a marker."""
    return _Text(home_hints, _Log())(text)


def redact_secrets(text: str, *, named: bool = False, long_runs: bool = False) -> str:
    """`text` with every secret replaced by the marker; e-mail addresses and user names stay
    (a check's evidence, shown to its own user; the report hides those too). `named=True`
    for a log line: `state=…`, `code=…` go whatever the value looks like. `long_runs=True` for
    a server's answer: any run of 32+ base64/hex characters goes too (a token of a kind not
    known here)."""
    return _Text((), _Log(), personal=False, named=named, long_runs=long_runs)(text)


def drop_url_queries(text: str) -> str:
    """Every URL's query string replaced by the marker (`…/auth/callback?<redacted>`)."""
    return _URL_QUERY.sub(rf"\1?{REDACTED}", text)


def _hide_url_passwords(text: str) -> str:
    """Only the passwords of URLs in `text` replaced by the marker (a preview or diff of the
    user's own file: everything else in it is theirs to see)."""
    return _USERINFO.sub(_password_hidden, text)


def hide_assigned_values(text: str, names: Iterable[str]) -> str:
    """`text` with whatever follows `NAME=` for each of `names` replaced by the marker (a fix's
    diff of lines that set a sign-in variable: the name stays, its value never shows)."""
    alternatives = "|".join(re.escape(n) for n in names)
    if not alternatives:
        return text
    pattern = re.compile(rf"(?<![A-Za-z0-9_])((?:{alternatives})[ \t]*=)[^\r\n]*")
    return pattern.sub(rf"\g<1>{REDACTED}", text)


def _password_hidden(m: re.Match[str]) -> str:
    return f"{m['pre']}:{REDACTED}@"


def redact_url(url: str) -> str:
    """One proxy URL as shown: without its password (the user name stays: it helps the help
    desk). A URL without a scheme is shown with the `http://` Codex assumes."""
    full = url if "://" in url else f"http://{url}"
    if urlsplit(full).password is None:
        return url
    return _hide_url_passwords(full)


def redact_document(
    document: Mapping[str, Any], home_hints: Iterable[str] | None = None
) -> dict[str, Any]:
    """A redacted copy of a JSON-like document (dict keys, values and lists, recursively)."""
    return redact_document_with_log(document, home_hints)[0]


def redact_document_with_log(
    document: Mapping[str, Any], home_hints: Iterable[str] | None = None
) -> tuple[dict[str, Any], list[RedactionNote]]:
    """The redacted copy and what was removed, by kind (for the preview before saving)."""
    log = _Log()
    hints = default_home_hints() if home_hints is None else tuple(home_hints)
    walker = _Walker(_Text(hints, log), log)
    result = walker.mapping(document, "")
    return result, log.notes()


class _Walker:
    def __init__(self, text: _Text, log: _Log) -> None:
        self.text = text
        self.log = log

    def mapping(self, data: Mapping[Any, Any], path: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, value in data.items():
            self.log.where = f"{path}.<key>" if path else "<key>"
            new_key = self.text(key) if isinstance(key, str) else key
            while new_key in out:  # two keys that differ only in a secret must both survive
                new_key = f"{new_key} (2)"
            where = f"{path}.{new_key}" if path else str(new_key)
            out[new_key] = self.value(value, key if isinstance(key, str) else None, where)
        return out

    def value(self, value: Any, key: str | None, where: str) -> Any:
        if isinstance(value, Mapping):
            return self.mapping(value, where)
        if isinstance(value, list | tuple):
            return [self.value(v, key, f"{where}[{i}]") for i, v in enumerate(value)]
        if value is None or isinstance(value, bool | int | float):
            return value
        self.log.where = where
        text = value if isinstance(value, str) else str(value)
        return self.string(text, key)

    def string(self, value: str, key: str | None) -> str:
        if key is None or value in MARKERS:
            return self.text(value)
        low = key.lower()
        if _FINGERPRINT_KEY.search(low) and _is_fingerprint(value):
            return value
        if _ALWAYS_KEY.fullmatch(key):
            self.log.add(_name_kind(key))
            return REDACTED
        if _SURE_KEY.fullmatch(key) and not _descriptive(value):
            self.log.add(_name_kind(key))
            return REDACTED
        if _AMBIGUOUS_KEY.fullmatch(key) and _looks_secret(value):
            self.log.add(_name_kind(key))
            return REDACTED
        if low in _USER_KEYS and value != USER:
            self.log.add("user_name")
            return USER
        if low in _EMAIL_KEYS and value != EMAIL:
            self.log.add("email")
            return EMAIL
        return self.text(value)
