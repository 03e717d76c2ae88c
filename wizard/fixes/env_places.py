"""Every place a variable is persisted for the user, and the file changes that remove, set or
correct it there.

Besides the platform's own store (`ctx.store`: environment.d + the marked ~/.profile block,
launchctl + ~/.zprofile, or HKCU\\Environment), people and installers put variables in plain
`export NAME=value` lines of the shell start-up files, in their own
`~/.config/environment.d/*.conf`, and in `$CODEX_HOME/.env` (which Codex reads at start for
variables not already set; CODEX_* keys are ignored there). A line is never deleted: it is
commented out under a marker comment, so the preview is a readable diff and `undo` (or the
user) can bring it back.

`PlannedFiles` keeps one planned text per real file (a symlinked dotfile is edited at its
target and stays a symlink), starting from the store's edits, so several changes to the same
file end up in one FileEdit."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.diagnose import diagnose
from wizard.core.environment import Environment
from wizard.core.findings import F
from wizard.core.i18n import and_list, join, tr
from wizard.core.i18n import sentences as i18n_sentences
from wizard.core.model import CheckResult
from wizard.core.profile import Profile
from wizard.fixes.base import FixContext
from wizard.fixes.plan import EnvEdit
from wizard.platform.env_store import BEGIN, END, ENV_D_NAME
from wizard.platform.file_edit import FileEdit

SHELL_FILES = (".profile", ".bash_profile", ".bashrc", ".zprofile", ".zshrc")
MARK = "# signin-doctor:"
UNDO_HINT = "(undo: python -m wizard undo --last)"
SHELL, ENV_D, DOTENV = "shell", "environment.d", "dotenv"
RESTART = tr(
    "fixes",
    "Fully quit and restart your editor (and terminals), then sign in again: they read "
    "variables only when they start.",
)

_ASSIGN = re.compile(
    r"^(?P<indent>[ \t]*)(?P<export>export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)="
    r"(?P<value>.*?)(?P<eol>\r?\n)?$",
    re.S,
)
_SAFE_UNQUOTED = re.compile(r"^[A-Za-z0-9_.,:/@%+=~-]*$")


@dataclass(frozen=True)
class Definition:
    """One `NAME=value` line in a file."""

    name: str
    value: str  # unquoted
    path: Path  # the file as the user knows it (a symlink stays a symlink)
    shown: str  # e.g. "~/.bashrc"
    line: int  # 1-based, in the planned text at the time it was found
    kind: str  # SHELL | ENV_D | DOTENV

    def where(self) -> str:
        return tr("env_places", "{file} (line {line})", file=self.shown, line=self.line)


@dataclass(frozen=True)
class Comment:
    reason: str  # plain words; shown in the file above the disabled line


@dataclass(frozen=True)
class SetValue:
    value: str


Action = Comment | SetValue | None


def candidate_files(env: Environment, profile: Profile) -> list[tuple[Path, str]]:
    """(file, kind) of every place scanned, in a stable order."""
    files = [(env.home / name, SHELL) for name in SHELL_FILES]
    if env.platform == "linux":
        folder = env.config_dirs()["appdata"] / "environment.d"
        try:
            confs = sorted(p for p in folder.glob("*.conf") if p.name != ENV_D_NAME)
        except OSError:
            confs = []
        files += [(p, ENV_D) for p in confs]
    files.append((env.codex_home() / profile["codex_files"]["dotenv"], DOTENV))
    return files


def same_name(env: Environment, a: str, b: str) -> bool:
    return a.upper() == b.upper() if env.platform == "windows" else a == b


class PlannedFiles:
    """The planned new text of every file a fix touches."""

    def __init__(self, env: Environment, profile: Profile) -> None:
        self.env, self.profile = env, profile
        self._before: dict[Path, bytes | None] = {}
        self._text: dict[Path, str] = {}
        self._shown: dict[Path, str] = {}
        self._gone: set[Path] = set()  # files the plan removes

    # -- reading --------------------------------------------------------------------------

    def _key(self, path: Path) -> Path:
        try:
            return path.resolve() if path.is_symlink() else path
        except OSError:
            return path

    def _shown_as(self, path: Path, key: Path, shown: str | None = None) -> str:
        text = shown or self.env.display_path(path)
        return text if key == path else f"{text} -> {self.env.display_path(key)}"

    def _load(self, path: Path) -> Path | None:
        key = self._key(path)
        if key in self._text:
            return None if key in self._gone else key
        try:
            data = key.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            shown = self.env.display_path(path)
            raise OSError(
                tr(
                    "env_places",
                    "{file} cannot be read ({error})",
                    file=shown,
                    error=str(exc.strerror or exc),
                )
            ) from None
        self._before[key] = data
        self._text[key] = data.decode("utf-8", "surrogateescape")
        self._shown[key] = self._shown_as(path, key)
        return key

    def text(self, path: Path) -> str | None:
        key = self._load(path)
        return self._text[key] if key is not None else None

    def add(self, edits: Iterable[FileEdit]) -> None:
        """Start from the store's edits. Call it before any other change to those files."""
        for edit in edits:
            key = self._key(edit.path)
            if key in self._text:
                raise ValueError(f"{edit.shown_as} is already changed by this plan")
            self._before[key] = edit.before
            self._text[key] = (edit.after or b"").decode("utf-8", "surrogateescape")
            self._shown[key] = self._shown_as(edit.path, key, edit.shown_as)
            if edit.after is None:
                self._gone.add(key)

    # -- finding and changing -------------------------------------------------------------

    def definitions(self, names: Iterable[str]) -> list[Definition]:
        return [d for d, _ in self._scan(list(names), lambda _d: None)]

    def update(
        self, names: Iterable[str], decide: Callable[[Definition], Action]
    ) -> list[tuple[Definition, Action]]:
        """Ask `decide` about every definition of `names` and apply what it returns."""
        return [(d, a) for d, a in self._scan(list(names), decide) if a is not None]

    def append(self, path: Path, line: str) -> None:
        """Add a line at the end of a file (created if missing)."""
        key = self._load(path)
        if key is None:
            key = self._key(path)
            self._before.setdefault(key, None)
            self._text[key] = ""
            self._shown[key] = self._shown_as(path, key)
            self._gone.discard(key)
        text = self._text[key]
        newline = "\r\n" if "\r\n" in text else "\n"
        if text and not text.endswith("\n"):
            text += newline
        self._text[key] = text + line + newline

    def _scan(
        self, names: list[str], decide: Callable[[Definition], Action]
    ) -> list[tuple[Definition, Action]]:
        found: list[tuple[Definition, Action]] = []
        for path, kind in candidate_files(self.env, self.profile):
            key = self._load(path)
            if key is None:
                continue
            lines = self._text[key].splitlines(keepends=True)
            out: list[str] = []
            inside_block = False
            for number, line in enumerate(lines, 1):
                stripped = line.strip()
                if stripped in (BEGIN, END):
                    inside_block = stripped == BEGIN  # our own block: the store owns it
                match = None if inside_block else _ASSIGN.match(line)
                if match is None or not self._wanted(match, kind, names):
                    out.append(line)
                    continue
                value, _quote = _unquote(match.group("value"), kind)
                definition = Definition(
                    match.group("name"), value, path, self._shown[key], number, kind
                )
                action = decide(definition)
                found.append((definition, action))
                out.extend(_rewrite(line, match, action, kind, _newline(lines)))
            self._text[key] = "".join(out)
        return found

    def _wanted(self, match: re.Match[str], kind: str, names: list[str]) -> bool:
        name = match.group("name")
        if kind == ENV_D and match.group("export"):
            return False  # not an environment.d line
        if kind == DOTENV and name.upper().startswith(_ignored_prefix(self.profile)):
            return False  # Codex ignores CODEX_* keys in .env
        return any(same_name(self.env, name, n) for n in names)

    # -- result ---------------------------------------------------------------------------

    def file_edits(self) -> tuple[FileEdit, ...]:
        edits = []
        for key, text in self._text.items():
            before = self._before.get(key)
            after = None if key in self._gone else text.encode("utf-8", "surrogateescape")
            if after != before:
                edits.append(FileEdit(key, self._shown[key], before, after))
        return tuple(edits)


def _ignored_prefix(profile: Profile) -> str:
    return str(profile["env"].get("dotenv_ignored_prefix", "CODEX_")).upper()


def _rewrite(line: str, match: re.Match[str], action: Action, kind: str, newline: str) -> list[str]:
    if isinstance(action, Comment):
        eol = match.group("eol") or ""
        body = line[: len(line) - len(eol)]
        indent = match.group("indent")
        marker = f"{indent}{MARK} {action.reason} {UNDO_HINT}{eol or newline}"
        return [marker, f"{indent}# {body[len(indent) :]}{eol}"]
    if isinstance(action, SetValue):
        return [_with_value(match, action.value, kind)]
    return [line]


def _newline(lines: list[str]) -> str:
    return "\r\n" if any(line.endswith("\r\n") for line in lines) else "\n"


def _unquote(raw: str, kind: str) -> tuple[str, str]:
    """The value of an assignment and the quote it used ('' for none)."""
    value, quote, _rest = _split_value(raw, kind)
    return value, quote


def _split_value(raw: str, kind: str) -> tuple[str, str, str]:
    """(value, quote, what follows it on the line: a comment, `; more`)."""
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        if end > 0:
            return raw[1:end], quote, raw[end + 1 :]
        return raw[1:].rstrip(), quote, ""
    if kind == SHELL:
        found = re.search(r"[ \t;]", raw)  # `export A=1 # note`, `A=1; ...`
        if found:
            return raw[: found.start()], "", raw[found.start() :]
        return raw, "", ""
    if kind == DOTENV and " #" in raw:
        value = raw.partition(" #")[0]
        return value.rstrip(), "", raw[len(value.rstrip()) :]
    return raw.rstrip(), "", raw[len(raw.rstrip()) :]


def _with_value(match: re.Match[str], value: str, kind: str) -> str:
    """The assignment line with a new value, in the quoting it had (or a safe one); whatever
    followed the old value (a comment) stays."""
    _old, quote, rest = _split_value(match.group("value"), kind)
    if not quote and not _SAFE_UNQUOTED.match(value) and kind != ENV_D:
        quote = "'" if kind == SHELL else '"'
    text = f"{quote}{value}{quote}{rest}"
    export = match.group("export") or ""
    return f"{match.group('indent')}{export}{match.group('name')}={text}{match.group('eol') or ''}"


def expand(env: Environment, value: str) -> str:
    """$HOME, ${HOME} and a leading ~ expanded the way a shell would."""
    home = str(env.home)
    value = value.replace("${HOME}", home).replace("$HOME", home)
    return str(env.path(value)) if value.startswith("~") else value


def check_result(ctx: FixContext, check_id: str, run_if_missing: bool = True) -> CheckResult | None:
    """The result of `check_id` in the diagnosis the fix answers; without a diagnosis, the
    check is run on its own from the context's checks (only one that needs no other)."""
    if ctx.diagnosis is not None:
        return ctx.diagnosis.result(check_id)
    if not run_if_missing:
        return None
    specs = [s for s in ctx.checks if s.id == check_id and not s.needs]
    if not specs:
        return None
    return diagnose(specs, ctx.env, ctx.profile, ctx.target, 4.0).result(check_id)


def findings_of(ctx: FixContext, kind: type[F], run_if_missing: bool = True) -> F | None:
    """What the check of `kind` found (see `check_result`)."""
    result = check_result(ctx, kind.check, run_if_missing)
    return result.typed(kind) if result is not None else None


@dataclass(frozen=True)
class Stale:
    """A variable to take out (or re-point) wherever it is persisted."""

    name: str
    matches: Callable[[str], bool]  # is this value (expanded) the stale one?
    reason: str  # why, in plain words, written above each disabled line
    replace_with: str | None = None  # persist this value in the store instead of removing


@dataclass(frozen=True)
class Cleanup:
    files: tuple[FileEdit, ...]
    env: tuple[EnvEdit, ...]
    places: dict[str, list[str]]  # variable -> where it is changed, for people
    unplaced: tuple[str, ...]  # set in this process, but persisted nowhere we can change
    lines: dict[str, list[str]] = field(default_factory=dict)  # variable -> lines turned off


def clean_up(
    ctx: FixContext,
    stale: Sequence[Stale],
    also_store: Mapping[str, str] | None = None,
    also_lines: Sequence[tuple[Sequence[str], Callable[[Definition], Action]]] = (),
    also_append: Sequence[tuple[Path, str]] = (),
) -> Cleanup:
    """The files and variables that take every `stale` definition out (or point it at
    `replace_with`), plus `also_store` values persisted through the store, `also_lines`
    edits of other lines and `also_append` lines added to files."""
    env, store = ctx.env, ctx.store
    before = {s.name: store.current(s.name) for s in stale}
    before.update({name: store.current(name) for name in also_store or {}})
    store_changes: dict[str, str | None] = dict(also_store or {})
    places: dict[str, list[str]] = {}
    store_label = where_text(store.places())
    in_store: set[str] = set()
    for item in stale:
        current = before[item.name]
        if current is not None and item.matches(expand(env, current)):
            in_store.add(item.name)
            places.setdefault(item.name, []).append(store_label)
        if item.replace_with is not None:
            store_changes[item.name] = item.replace_with
        elif item.name in in_store:
            store_changes[item.name] = None
    for name in also_store or {}:
        places.setdefault(name, []).append(store_label)

    files = PlannedFiles(env, ctx.profile)
    files.add(store.file_edits(store_changes) if store_changes else [])
    by_name = {s.name: s for s in stale}

    def decide(definition: Definition) -> Action:
        item = next(s for n, s in by_name.items() if same_name(env, n, definition.name))
        if item.matches(expand(env, definition.value)):
            return Comment(item.reason)
        return None

    lines: dict[str, list[str]] = {}
    for definition, _action in files.update(list(by_name), decide):
        key = next(n for n in by_name if same_name(env, n, definition.name))
        places.setdefault(key, []).append(definition.where())
        lines.setdefault(key, []).append(definition.where())
    for names, other in also_lines:
        for definition, _action in files.update(names, other):
            places.setdefault(definition.name, []).append(definition.where())
    for path, line in also_append:
        files.append(path, line)
        places.setdefault(line.split("=", 1)[0], []).append(env.display_path(path))

    env_edits: list[EnvEdit] = []
    unplaced: list[str] = []
    for item in stale:
        if item.replace_with is not None:
            env_edits.append(EnvEdit(item.name, before[item.name], item.replace_with))
        elif item.name in in_store or (item.name in places and _stale_here(env, item)):
            # the user variable goes; the re-check then runs as a new session would
            env_edits.append(EnvEdit(item.name, before[item.name], None))
        elif item.name not in places and _stale_here(env, item):
            unplaced.append(item.name)
    for name, value in (also_store or {}).items():
        env_edits.append(EnvEdit(name, before[name], value))
    return Cleanup(files.file_edits(), tuple(env_edits), places, tuple(unplaced), lines)


def _stale_here(env: Environment, item: Stale) -> bool:
    value = env.get(item.name)
    return value is not None and item.matches(expand(env, value))


def turned_off_places(cleanup: Cleanup, names: Sequence[str]) -> str:
    """'A in ~/.bashrc (line 2); B in ~/.codex/.env (line 1)': where each variable goes."""
    result: str = join(
        [
            tr("env_places", "{name} in {places}", name=n, places=where_text(cleanup.places[n]))
            for n in names
        ]
    )
    return result


def where_text(places: Sequence[str]) -> str:
    result: str = and_list(list(places))
    return result


def sentences(*parts: str) -> str:
    """Sentences joined by a space (empty ones left out), each still translatable."""
    result: str = i18n_sentences(*parts)
    return result


def unplaced_note(env: Environment, names: Sequence[str]) -> str:
    """What to say about variables set in this process that no known place persists (a
    sentence to add with `sentences`)."""
    if not names:
        return ""
    listed = where_text(list(names))
    system = (
        tr("env_places", "the system-wide variables (an administrator can change them)")
        if env.platform == "windows"
        else tr(
            "env_places",
            "a system-wide file such as /etc/environment, or the program that started this one",
        )
    )
    return tr(
        "env_places",
        "{names} is set for this program, but not in any place Sign-in Doctor can change: "
        "it may come from {system}, or only from this terminal (then a new one will not "
        "have it).",
        names=listed,
        system=system,
    )
