"""The official client's tests may skip on a developer's machine, never in CI."""

from __future__ import annotations

import pytest

from tests.official_client import REQUIRE_ENV, _unavailable


def test_without_the_flag_a_missing_client_skips(monkeypatch):
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no venv"):
        _unavailable("no venv")


def test_with_the_flag_a_missing_client_fails(monkeypatch):
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no venv"):
        _unavailable("no venv")
