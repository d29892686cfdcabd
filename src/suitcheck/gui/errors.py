"""Show errors a clerk can act on, in their language; never a traceback."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.messages import error_text
from suitcheck.logs import log_path
from suitcheck.services.errors import (
    AuthenticationFailed,
    ClockWrong,
    Conflict,
    DecisionRefuses,
    InvalidInput,
    NewerSchemaError,
    NotFound,
    PermissionDenied,
    ServiceError,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger(__name__)

HEADLINES = {
    DecisionRefuses: QT_TRANSLATE_NOOP("Errors", "The client may not read this report."),
    PermissionDenied: QT_TRANSLATE_NOOP("Errors", "Your role may not do this."),
    AuthenticationFailed: QT_TRANSLATE_NOOP("Errors", "Login failed."),
    NotFound: QT_TRANSLATE_NOOP("Errors", "Not found."),
    InvalidInput: QT_TRANSLATE_NOOP("Errors", "Please check the input."),
    Conflict: QT_TRANSLATE_NOOP("Errors", "This already exists."),
    StoreUnavailable: QT_TRANSLATE_NOOP("Errors", "The store cannot be used right now."),
    ClockWrong: QT_TRANSLATE_NOOP("Errors", "This computer's clock is wrong."),
    # Raised under a running desk, whose store is open: "cannot be opened" was wrong there.
    NewerSchemaError: QT_TRANSLATE_NOOP("Errors", "The store was changed while suitcheck was running."),
    StoreError: QT_TRANSLATE_NOOP("Errors", "The store cannot be opened."),
    ServiceError: QT_TRANSLATE_NOOP("Errors", "The action could not be completed."),
}

INGEST_REASONS = {
    "corrupt": QT_TRANSLATE_NOOP("Import", "The PDF is damaged and cannot be read."),
    "encrypted": QT_TRANSLATE_NOOP("Import", "The PDF is encrypted; save an unprotected copy and import that."),
    "no-text": QT_TRANSLATE_NOOP("Import", "The PDF has no text layer (a scanned image?); it needs OCR first."),
    "not-pdf": QT_TRANSLATE_NOOP("Import", "The file is not a PDF."),
    "empty": QT_TRANSLATE_NOOP("Import", "The file is empty."),
    "too-large": QT_TRANSLATE_NOOP("Import", "The file is larger than 100 MB."),
    "binary": QT_TRANSLATE_NOOP("Import", "The file is binary data, not text."),
    "bad-encoding": QT_TRANSLATE_NOOP("Import", "The file is neither UTF-8, GBK nor UTF-16 text."),
    "unsupported": QT_TRANSLATE_NOOP("Import", "Only .pdf and .txt files can be imported."),
    "unreadable": QT_TRANSLATE_NOOP("Import", "The file cannot be read."),
    "missing": QT_TRANSLATE_NOOP("Import", "The file does not exist."),
    "duplicate": QT_TRANSLATE_NOOP("Import", "The same file was imported before."),
    "too-much-memory": QT_TRANSLATE_NOOP(
        "Import", "Reading the file needed more memory than the firm's limit allows; it was stopped."
    ),
    "too-much-cpu": QT_TRANSLATE_NOOP(
        "Import", "Reading the file took more processor time than the firm's limit allows; it was stopped."
    ),
    "too-slow": QT_TRANSLATE_NOOP("Import", "Reading the file did not finish in time; it was stopped."),
    "inflates-too-much": QT_TRANSLATE_NOOP(
        "Import", "The PDF's compressed content expands beyond the firm's limit; it was not read."
    ),
    "too-many-pages": QT_TRANSLATE_NOOP("Import", "The PDF has more pages than the firm's limit allows."),
    "too-much-text": QT_TRANSLATE_NOOP("Import", "The file has more text than the firm's limit allows."),
    "reader-crashed": QT_TRANSLATE_NOOP("Import", "The file crashed the report reader."),
    "reader-unavailable": QT_TRANSLATE_NOOP("Import", "The report reader could not be started."),
    "link-outside": QT_TRANSLATE_NOOP("Import", "A link that leads outside the chosen folder; not imported."),
    "special-file": QT_TRANSLATE_NOOP("Import", "Not a regular file (a pipe, device or socket); not imported."),
    "link-changed": QT_TRANSLATE_NOOP("Import", "The file became a link while the folder was read; not imported."),
    "replaced-after-listing": QT_TRANSLATE_NOOP(
        "Import", "The file, or a folder on its path, was replaced after the folder was read; not imported."
    ),
    "name-not-text": QT_TRANSLATE_NOOP(
        "Import", "The file's name is not UTF-8 text (a zip made on Windows may give such names); rename it."
    ),
    "unrated": QT_TRANSLATE_NOOP(
        "Import", "No risk level is stated; compliance must rate it before anyone may read it."
    ),
}


def headline(exc: BaseException) -> str:
    for kind in type(exc).__mro__:
        if kind in HEADLINES:
            return translated("Errors", HEADLINES[kind])
    return QCoreApplication.translate("Errors", "Sorry, something went wrong.")


def show_error(parent: QWidget | None, exc: BaseException, text: str | None = None) -> None:
    """Expected errors: headline in the UI language plus the detail (`text`, where the
    window words the refusal itself, by its code). Anything else: logged with its
    traceback, and a short apology naming the log file."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Errors", "suitcheck"))
    if isinstance(exc, (ServiceError, StoreError)):
        box.setText(headline(exc))
        box.setInformativeText(error_text(exc) if text is None else text)
    else:
        log.error("unexpected error shown to the user", exc_info=exc)
        box.setText(QCoreApplication.translate("Errors", "Sorry, something went wrong."))
        box.setInformativeText(
            QCoreApplication.translate("Errors", "The details were written to the log file:\n{path}").format(
                path=log_path()
            )
        )
    box.setObjectName("errorBox")
    box.exec()
