"""ProfileService against the emulator and an in-memory keyring: the whole life of a profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shipexplorer.api import ConnectionSettings
from shipexplorer.core.profiles import Profile, ProfileStore, local_profile
from shipexplorer.services.credentials import KEYRING_SERVICE, CredentialService, KeyVault
from shipexplorer.services.profile_service import ProfileService


class Harness:
    """Builds services over one profile file, one keyring and a fake home; ``restart`` builds new
    ones over the same files, as a new run of the app would."""

    def __init__(self, pool, qtbot, folder: Path, environ: dict[str, str]) -> None:
        self.pool, self.qtbot = pool, qtbot
        self.path = folder / "config" / "profiles.json"
        self.home = folder / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.environ = environ
        self.restart()

    def restart(self) -> ProfileService:
        self.idle()
        self.credentials = CredentialService(self.pool, KeyVault(timeout=5))
        self.profiles = ProfileService(
            ProfileStore(self.path),
            self.credentials,
            self.pool,
            home=self.home,
            environ=self.environ,
        )
        self.found = []
        self.profiles.importsFound.connect(self.found.append)
        self.problems: list[str] = []
        self.profiles.problem.connect(self.problems.append)
        return self.profiles

    def idle(self) -> None:
        self.qtbot.waitUntil(lambda: self.pool.active_jobs() == 0, timeout=5000)

    def saved(self) -> dict:
        self.idle()
        return json.loads(self.path.read_text(encoding="utf-8"))


@pytest.fixture
def harness(worker_pool, qtbot, tmp_path):
    return Harness(worker_pool, qtbot, tmp_path, environ={})


def _profile(name: str, emu=None, **changes) -> Profile:
    base = {}
    if emu is not None:
        base = {"api_base": emu.api_base, "app_base": emu.app_base}
    return Profile(name=name, settings=ConnectionSettings(**{**base, **changes}))


def test_a_profile_and_its_key_survive_a_restart(harness, memory_keyring, emulator):
    profiles = harness.profiles
    profiles.load()
    assert profiles.save_profile(None, _profile("staging", emulator), "ss-key-1") == []
    profiles.select("staging")
    harness.idle()
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "staging"): "ss-key-1"}
    saved = harness.saved()
    assert [p["name"] for p in saved["profiles"]] == ["staging"]
    assert saved["selected"] == "staging"
    assert "ss-key-1" not in harness.path.read_text(encoding="utf-8")

    again = harness.restart()
    again.load()
    assert again.current().name == "staging"
    harness.qtbot.waitUntil(lambda: harness.credentials.key_for("staging") == "ss-key-1")
    assert again.current_settings().api_key == "ss-key-1"


def test_rename_moves_the_key_and_delete_removes_it(harness, memory_keyring):
    profiles = harness.profiles
    profiles.load()
    assert profiles.save_profile(None, _profile("old"), "ss-key-2") == []
    harness.idle()
    renamed = _profile("new")
    assert profiles.save_profile("old", renamed, None) == []
    harness.idle()
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "new"): "ss-key-2"}
    assert profiles.names() == ["new"]
    profiles.delete("new")
    harness.idle()
    assert memory_keyring.passwords == {}
    assert profiles.names() == [] and profiles.current() is None
    assert harness.saved()["profiles"] == []


def test_duplicate_copies_settings_and_key(harness, memory_keyring):
    profiles = harness.profiles
    profiles.load()
    profiles.save_profile(None, _profile("prod", workspace_handle="team"), "ss-key-3")
    copy = profiles.duplicate("prod")
    assert copy == "prod (copy)"
    assert profiles.profile(copy).settings.workspace_handle == "team"
    harness.idle()
    assert memory_keyring.passwords[(KEYRING_SERVICE, "prod (copy)")] == "ss-key-3"
    assert profiles.duplicate("prod") == "prod (copy) 2"


def test_problems_stop_a_save_and_change_nothing(harness, memory_keyring):
    profiles = harness.profiles
    profiles.load()
    profiles.save_profile(None, _profile("a"), None)
    problems = profiles.save_profile(None, _profile("a"), None)
    assert problems == ["A profile named 'a' exists already."]
    problems = profiles.save_profile(None, _profile("b"), "two words")
    assert any("paste error" in p for p in problems)
    insecure = _profile("c", api_base="http://api.example.com/api/v1/")
    assert any("in clear" in p for p in profiles.save_profile(None, insecure, None))
    assert profiles.names() == ["a"]
    harness.idle()
    assert memory_keyring.passwords == {}


def test_the_builtin_profile_is_selected_but_never_saved(harness, memory_keyring, emulator):
    profiles = harness.profiles
    profiles.add_builtin(local_profile(emulator.api_base, emulator.app_base), "demo-key")
    profiles.load()
    profiles.save_profile(None, _profile("mine"), None)
    assert profiles.current().name == "Local emulator"
    assert profiles.current_settings().api_key == "demo-key"
    saved = harness.saved()
    assert [p["name"] for p in saved["profiles"]] == ["mine"]
    assert saved["selected"] is None
    assert "demo-key" not in harness.path.read_text(encoding="utf-8")
    assert memory_keyring.passwords == {}
    assert profiles.save_profile("Local emulator", _profile("x"), None) == [
        "The built-in profile cannot be changed."
    ]


def test_a_builtin_selected_before_the_file_is_read_keeps_the_users_profiles(
    harness, memory_keyring, emulator
):
    """``--local`` selects its built-in profile before the profiles are read: the file must not
    be rewritten from the still-empty list."""
    profiles = harness.profiles
    profiles.load()
    assert profiles.save_profile(None, _profile("staging", emulator), None) == []
    harness.idle()
    again = harness.restart()
    again.add_builtin(local_profile(emulator.api_base, emulator.app_base), "demo-key")
    harness.idle()
    assert [p["name"] for p in harness.saved()["profiles"]] == ["staging"]
    assert again.save_profile(None, _profile("early", emulator), None) == []  # before the read
    harness.idle()
    assert [p["name"] for p in harness.saved()["profiles"]] == ["staging"]
    again.load()
    assert again.names() == ["Local emulator", "staging", "early"]
    assert again.current().name == "Local emulator"
    assert [p["name"] for p in harness.saved()["profiles"]] == ["staging", "early"]


def test_connection_test_reports_user_and_workspace_or_the_error(harness, emulator, qtbot):
    profiles = harness.profiles
    profiles.load()
    profile = _profile("emu", emulator)
    with qtbot.waitSignal(profiles.connectionTested, timeout=5000) as tested:
        profiles.test_connection(profile, "demo-key")
    assert tested.args == ["emu", True, "Connected as demo-user; workspace default"]
    with qtbot.waitSignal(profiles.connectionTested, timeout=5000) as tested:
        profiles.test_connection(profile, "wrong-key")
    name, ok, text = tested.args
    assert (name, ok) == ("emu", False) and "wrong-key" not in text and text
    with qtbot.waitSignal(profiles.connectionTested, timeout=5000) as tested:
        profiles.test_connection(profile, None)
    assert tested.args[1] is False and "No API key" in tested.args[2]


def test_import_is_offered_once_on_first_start(harness, memory_keyring, qtbot):
    (harness.home / ".steamship.json").write_text(
        json.dumps({"apiKey": "ss-key-4", "profiles": {"staging": {"apiKey": "ss-key-5"}}}),
        encoding="utf-8",
    )
    profiles = harness.profiles
    with qtbot.waitSignal(profiles.importsFound, timeout=5000) as found:
        profiles.load()
    scan = found.args[0]
    names = sorted(c.profile.name for c in scan.candidates)
    assert names == ["default", "staging"]
    added = profiles.import_candidates(scan.candidates)
    assert sorted(added) == ["default", "staging"]
    harness.idle()
    assert memory_keyring.passwords == {
        (KEYRING_SERVICE, "default"): "ss-key-4",
        (KEYRING_SERVICE, "staging"): "ss-key-5",
    }
    assert harness.saved()["importOffered"] is True
    text = harness.path.read_text(encoding="utf-8")
    assert "ss-key-4" not in text and "ss-key-5" not in text

    again = harness.restart()
    again.load()
    harness.idle()
    assert harness.found == []  # not offered a second time
    with qtbot.waitSignal(again.importsFound, timeout=5000) as found:
        again.scan_imports()  # but always on request
    added = again.import_candidates(found.args[0].candidates)
    assert sorted(added) == ["default 2", "staging 2"]


def test_environment_variables_are_offered_too(worker_pool, qtbot, tmp_path, memory_keyring):
    env = {"STEAMSHIP_API_KEY": "ss-key-6", "STEAMSHIP_WORKSPACE_HANDLE": "team"}
    harness = Harness(worker_pool, qtbot, tmp_path, environ=env)
    with qtbot.waitSignal(harness.profiles.importsFound, timeout=5000) as found:
        harness.profiles.load()
    (candidate,) = found.args[0].candidates
    assert candidate.profile.settings.workspace_handle == "team"
    assert candidate.api_key == "ss-key-6"


def test_a_corrupt_profile_file_is_moved_aside_and_said(harness, qtbot):
    harness.path.parent.mkdir(parents=True, exist_ok=True)
    harness.path.write_text("{ not json", encoding="utf-8")
    harness.profiles.load()
    assert harness.problems and "moved aside" in harness.problems[0]
    assert harness.profiles.names() == []
    assert list(harness.path.parent.glob("profiles.json.corrupt-*"))


def test_a_newer_file_is_read_only(harness):
    harness.path.parent.mkdir(parents=True, exist_ok=True)
    newer = {"kind": "shipexplorer-profiles", "schemaVersion": 99, "profiles": []}
    harness.path.write_text(json.dumps(newer), encoding="utf-8")
    harness.profiles.load()
    assert harness.profiles.read_only
    problems = harness.profiles.save_profile(None, _profile("x"), None)
    assert any("read-only" in p for p in problems)
    harness.idle()
    assert json.loads(harness.path.read_text(encoding="utf-8"))["schemaVersion"] == 99
