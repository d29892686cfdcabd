"""The check-path world fixture, shared with the attack tests."""

from tests.services.test_check_path import world  # noqa: F401
