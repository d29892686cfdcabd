"""The PySide6 desktop: windows, dialogs and Qt models on top of the services."""
