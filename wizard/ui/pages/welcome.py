"""Welcome: what this does, in one sentence; optionally the error the user saw, decoded
as they type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from wizard.ui import theme
from wizard.ui.language import LanguagePicker
from wizard.ui.pages.base import Page
from wizard.ui.text import ltext, tr
from wizard.ui.threads import Task
from wizard.ui.widgets import label

DEBOUNCE_MS = 250
EXAMPLE = (
    "Token exchange failed: error sending request for url (https://auth.openai.com/oauth/token)"
)


def decode(text: str) -> list[dict[str, Any]]:
    """The core decoder's reading of a pasted message (imported on first use: start-up)."""
    from wizard.checks.logs import decode_error

    return [d.to_json() for d in decode_error(text)]


def warm_decoder() -> None:
    from wizard.checks.logs import decoder_patterns

    decoder_patterns()


class PasteBox(QPlainTextEdit):
    """The error box: Enter starts a new line in it (a pasted message has several);
    Ctrl+Enter is the page's default button, which Enter would otherwise have been."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class WelcomePage(Page):
    key = "welcome"

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setTitle(tr("Why can't I sign in to Codex?"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("Start checking"))
        self._warm = Task(self)
        self._warmed = False

    def build(self) -> None:
        intro = label(
            tr(
                "Sign-in Doctor checks this computer for the usual reasons why signing in to "
                "Codex with ChatGPT fails, and shows you how to fix it."
            ),
            scale=1.15,
        )
        looks_at = label(
            tr("It looks at:")
            + "\n"
            + "\n".join(
                "•  " + item
                for item in (
                    tr(
                        "the way from this computer to OpenAI's sign-in server: network, "
                        "proxy, certificates and clock"
                    ),
                    tr("the port Codex uses to receive your browser's return after you sign in"),
                    tr("your editor's Codex settings and Codex's last sign-in attempt"),
                )
            )
        )
        size = int(self.fontMetrics().height() * 3.6)
        logo = QLabel()
        logo.setPixmap(theme.icon("app").pixmap(QSize(size, size), self.devicePixelRatioF()))
        logo.setFixedSize(size, size)
        logo.setAccessibleName(tr("Sign-in Doctor"))
        header = QHBoxLayout()
        header.setSpacing(self.fontMetrics().height())
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(intro, 1)
        self.language = LanguagePicker()
        header.addWidget(self.language, 0, Qt.AlignmentFlag.AlignTop)
        promise = label(
            tr(
                "It changes nothing without asking you first. It only contacts OpenAI's "
                "sign-in server and this computer, and sends nothing else anywhere."
            ),
            muted=True,
        )
        self.paste_label = label(tr("Did you see an error message? Paste it here (optional):"))
        self.paste = PasteBox()
        self.paste.setPlaceholderText(tr("For example: {example}").format(example=EXAMPLE))
        self.paste.setTabChangesFocus(True)
        self.paste.setAccessibleName(tr("The error message you saw"))
        self.paste.setAccessibleDescription(
            tr(
                "Optional. Paste the error text here; its meaning is shown below the box. "
                "Enter starts a new line; Ctrl+Enter starts the checks."
            )
        )
        self.paste.submitted.connect(self._start_checking)
        lines = self.paste.fontMetrics().lineSpacing()
        self.paste.setMinimumHeight(int(lines * 3.5))
        self.paste.setMaximumHeight(int(lines * 6))
        self.paste_label.setBuddy(self.paste)
        self.meaning = label("", selectable=True)
        self.meaning.setAccessibleName(tr("What the error message means"))
        self.meaning.setVisible(False)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.decode_now)
        self.paste.textChanged.connect(self._timer.start)

        # The text scrolls instead of being squeezed when it is large (200 %) or the window
        # small; what stays below the scrolling part (the walkthrough toggle) stays in view.
        content, layout = self.column()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scrolled(content), 1)
        layout.addLayout(header)
        layout.addSpacing(self.fontMetrics().height() // 2)
        layout.addWidget(looks_at)
        layout.addSpacing(self.fontMetrics().height() // 2)
        layout.addWidget(promise)
        layout.addSpacing(self.fontMetrics().height())
        layout.addWidget(self.paste_label)
        layout.addWidget(self.paste)
        layout.addWidget(self.meaning)
        layout.addStretch(1)
        QWidget.setTabOrder(self.paste, self.language)  # the error box gets the first focus

    def warm_up(self) -> None:
        """Load the decoder's patterns (a file) off the GUI thread, so decoding is then pure
        CPU (the window asks once it has painted: start-up does not wait for it)."""
        if not self._warmed:
            self._warmed = True
            self._warm.start(warm_decoder)

    def decode_now(self) -> None:
        self._timer.stop()
        text = self.paste.toPlainText().strip()
        self.session.error_text = text
        if not text:
            self.session.decoded = None
            self.meaning.setVisible(False)
            return
        decoded = decode(text)
        self.session.decoded = decoded
        if not decoded:
            message = tr(
                "Sign-in Doctor does not recognise this message, but the checks look at "
                "everything anyway. It will be included in the report."
            )
        elif len(decoded) == 1:
            message = tr("What this means: {meaning}").format(meaning=ltext(decoded[0]["meaning"]))
        else:
            message = (
                tr("What this means:")
                + "\n"
                + "\n".join(f"• {ltext(d['meaning'])}" for d in decoded)
            )
        self.meaning.setText(message)
        self.meaning.setVisible(True)

    def _start_checking(self) -> None:
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def validatePage(self) -> bool:
        self.decode_now()
        return True

    def shutdown(self, timeout_s: float) -> bool:
        return self._warm.shutdown(timeout_s)
