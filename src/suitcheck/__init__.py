"""suitcheck: investor-suitability checks for research reports, with an audit trail."""

# The one version: pyproject, --version, the About box and every installer read it.
__version__ = "0.2.0"

# Reverse-DNS id shared by the desktop entry, AppStream metadata, icons, the macOS bundle
# and the Wayland app id (so the desktop shows the right icon for the window).
APP_ID = "org.suitcheck.suitcheck"
