"""The baseline: a bare PySide6 QWizard hello-world, run and packaged the same way as the app
(bench/startup.py, packaging/signin-doctor.spec --hello)."""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage


def main() -> int:
    app = QApplication(sys.argv[:1])
    wizard = QWizard()
    wizard.setWindowTitle("Hello")
    for title in ("Hello", "World"):
        page = QWizardPage()
        page.setTitle(title)
        QVBoxLayout(page).addWidget(QLabel(f"{title}, QWizard."))
        wizard.addPage(page)
    wizard.resize(860, 680)  # the app's default size: same pixels to paint
    wizard.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
