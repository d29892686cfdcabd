"""The pure core: levels, profiles, policy and the access decision (no Qt, no SQL, no files)."""
