"""Why a file could not be read; each message is one sentence for the import results table."""


class IngestError(Exception):
    """A file cannot be imported. `code` is machine-readable; str() is the sentence."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
