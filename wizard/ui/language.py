"""The window's language: the one picked in the window (remembered), else the system's; Qt's
translators for our catalogs and for Qt's own buttons; switching while the window is open.

Our words come from resources/translations/signin_doctor_<lang>.qm (built by `make
translations` with pyside6-lrelease). When the .qm is missing or older than its .ts (a fresh
checkout, a test run without make), the same .ts is read directly, so the window never shows
stale or missing words. Qt's own words (Back, Next, Cancel, the file dialog) come from the
qtbase_<lang>.qm that PySide6 ships.

Switching rebuilds the window: every page is built again in the new language, with the same
session (the pasted error message, the diagnosis). It is offered on the Welcome page, where
nothing is running yet."""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QFontInfo, QShowEvent
from PySide6.QtWidgets import QComboBox, QWidget

from wizard.core.translations import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    catalog_path,
    load_catalog,
    normalize_language,
)
from wizard.ui.text import tr

if TYPE_CHECKING:
    from wizard.ui.window import SigninDoctorWindow

SETTINGS_KEY = "language"
_state: dict[str, Any] = {"lang": SOURCE_LANGUAGE, "translators": []}


def settings() -> QSettings:
    """Where the picked language is remembered (tests point this elsewhere)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "signin-doctor", "signin-doctor"
    )


def system_language() -> str:
    """The first language of the system's UI languages that we have, else English."""
    for name in QLocale.system().uiLanguages():
        lang = normalize_language(name)
        if lang:
            return lang
    return SOURCE_LANGUAGE


def saved_language() -> str | None:
    value = settings().value(SETTINGS_KEY)
    return value if isinstance(value, str) and value in LANGUAGES else None


def startup_language(explicit: str | None = None) -> str:
    """`--lang` if given, else the language picked last time, else the system's."""
    return explicit or saved_language() or system_language()


def current_language() -> str:
    return str(_state["lang"])


class _CatalogTranslator(QTranslator):
    """Our .ts catalog as a Qt translator (when its .qm is not built or out of date)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._catalog = load_catalog(lang)

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self._catalog.get((context, source))  # None: not translated here

    def isEmpty(self) -> bool:
        return not self._catalog


def _our_translator(lang: str) -> QTranslator | None:
    qm, ts = catalog_path(lang, ".qm"), catalog_path(lang)
    try:
        fresh = qm.stat().st_mtime >= ts.stat().st_mtime
    except OSError:
        fresh = qm.exists()
    if fresh:
        translator = QTranslator()
        if translator.load(str(qm)):
            return translator
    catalog = _CatalogTranslator(lang)
    return None if catalog.isEmpty() else catalog


def _qt_translator(lang: str) -> QTranslator | None:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator()
    return translator if translator.load(f"qtbase_{lang}", folder) else None


def install(lang: str) -> str:
    """Make `lang` the language of every text the window builds from now on (English
    removes our translators). Qt tells every window with a LanguageChange event."""
    app = QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else SOURCE_LANGUAGE
    if app is None:
        return lang
    for old in _state["translators"]:
        app.removeTranslator(old)
    translators: list[QTranslator] = []
    if lang != SOURCE_LANGUAGE:
        for translator in (_our_translator(lang), _qt_translator(lang)):
            if translator is not None and app.installTranslator(translator):
                translators.append(translator)
    _state["translators"] = translators
    _state["lang"] = lang
    # Dates and numbers the window formats (QLocale()) follow the language too, in the
    # system's own regional form when it is the system's language.
    QLocale.setDefault(QLocale.system() if lang == system_language() else QLocale(lang))
    return lang


# -- switching while the window is open ---------------------------------------------------------


def switch_language(window: SigninDoctorWindow, lang: str) -> SigninDoctorWindow:
    """Remember `lang`, install it and build the window again in it. Returns the new window
    (the old one is shut down and closed)."""
    settings().setValue(SETTINGS_KEY, lang)
    install(lang)
    new = type(window)(window.session)
    new.setGeometry(window.geometry())
    welcome = new.page_by_key("welcome")
    paste = getattr(welcome, "paste", None)
    if paste is not None and window.session.error_text:
        paste.setPlainText(window.session.error_text)
    window._replaced = True  # type: ignore[attr-defined]
    _state["latest"] = new  # the old window keeps no reference: it can go
    if window.isVisible():
        new.show()
    window.shutdown(5.0)
    window.close()
    return new


def latest(window: SigninDoctorWindow) -> SigninDoctorWindow:
    """The window that replaced `window` after language switches (itself if none did)."""
    if getattr(window, "_replaced", False):
        newest: SigninDoctorWindow = _state["latest"]
        return newest
    return window


class LanguagePicker(QComboBox):
    """Every language in its own name; picking one rebuilds the window in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code, name in LANGUAGES.items():
            self.addItem(name, code)
        self.setCurrentIndex(max(0, self.findData(current_language())))
        self.setAccessibleName(tr("Language"))
        self.setAccessibleDescription(
            tr("The language of Sign-in Doctor. Changing it redraws the window.")
        )
        # Wide enough for every name, without measuring a name in another script (日本語):
        # that would load its fonts (megabytes) before the window's first paint.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fit_names()
        self.activated.connect(self._picked)
        self._ordered = False

    def _fit_names(self) -> None:
        """Room for the widest name, as Qt sizes this policy: so many "X"s plus an icon's
        width. Latin letters are measured; a wide (East Asian) letter is one em, as such
        fonts draw it."""
        metrics = self.fontMetrics()
        em = QFontInfo(self.font()).pixelSize()
        widest = 0
        for name in LANGUAGES.values():
            wide = [c for c in name if unicodedata.east_asian_width(c) in ("W", "F")]
            latin = "".join(c for c in name if c not in wide)
            widest = max(widest, metrics.horizontalAdvance(latin) + len(wide) * em)
        room = widest - (self.iconSize().width() + 4)  # (the policy keeps room for an icon)
        letters = math.ceil(max(1, room) / max(1, metrics.horizontalAdvance("X")))
        self.setMinimumContentsLength(letters)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_names()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._ordered:
            # Tab in reading order: the picker (top right) first, then the error box and the
            # walkthrough toggle below it; the error box still gets the first focus.
            from wizard.ui.accessibility import tab_chain

            self._ordered = True
            window = self.window()
            walkthrough = getattr(window, "walkthrough", None)
            page = window.page_by_key("welcome") if hasattr(window, "page_by_key") else None
            tab_chain([self, getattr(page, "paste", None), getattr(walkthrough, "checkbox", None)])

    def _picked(self, index: int) -> None:
        lang = str(self.itemData(index))
        window = self.window()
        if lang == current_language() or not hasattr(window, "session"):
            return
        # After this signal returns: the picker itself goes away with the old window.
        QTimer.singleShot(0, lambda: switch_language(window, lang))  # type: ignore[arg-type]
