"""Profiles, their problems, and the profiles file (shipexplorer.core.profiles)."""

from __future__ import annotations

import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipexplorer.api.settings import ConnectionSettings
from shipexplorer.core import profiles as profiles_module
from shipexplorer.core.profiles import (
    LOCAL_PROFILE_NAME,
    MAX_NAME_LENGTH,
    Profile,
    ProfilesFile,
    ProfilesReadOnlyError,
    ProfileStore,
    local_profile,
    name_problems,
)

STAGING = ConnectionSettings(
    api_base="https://staging.example.com/api/v1",
    app_base="https://apps.staging.example.com/",
    workspace_handle="team",
    connect_timeout=3.0,
    deadline=None,
    max_retries=0,
)


def _store(tmp_path) -> ProfileStore:
    return ProfileStore(tmp_path / "config" / "profiles.json")


def _write(store: ProfileStore, document) -> None:
    store.path.parent.mkdir(parents=True, exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document)
    store.path.write_text(text, encoding="utf-8")


def _doc(profiles, **extra):
    return {"kind": "shipexplorer-profiles", "schemaVersion": 1, "profiles": profiles, **extra}


def _aside(store: ProfileStore) -> list[str]:
    return sorted(p.name for p in store.path.parent.glob("profiles.json.corrupt-*"))


# --- Profile ---------------------------------------------------------------------------------


def test_a_profile_refuses_a_key():
    with pytest.raises(ValueError, match="never holds an API key"):
        Profile("prod", ConnectionSettings(api_key="ss-secret"))


def test_connection_adds_the_key_and_keeps_the_rest():
    profile = Profile("staging", STAGING)
    settings = profile.connection("ss-key")
    assert settings.api_key == "ss-key"
    assert settings.replace(api_key=None) == STAGING
    assert profile.connection("").api_key is None
    assert profile.settings.api_key is None


def test_to_dict_round_trip_and_no_key_anywhere():
    profile = Profile("staging", STAGING)
    data = profile.to_dict()
    assert data["name"] == "staging"
    assert "api_key" not in data["settings"] and "builtin" not in data
    assert Profile.from_dict(data) == profile


def test_from_dict_is_tolerant_of_unknown_and_missing_keys_and_ignores_a_stray_key():
    profile = Profile.from_dict(
        {"name": "p", "colour": "red", "settings": {"future": 1, "api_key": "leak", "deadline": 5}}
    )
    assert profile.settings == ConnectionSettings(deadline=5)
    assert profile.settings.api_key is None
    assert Profile.from_dict({"name": "bare"}).settings == ConnectionSettings()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a profile should be an object, not a list"),
        ({}, "the profile has no name"),
        ({"name": 3}, "name should be text, not a number"),
        ({"name": "p", "settings": "x"}, "settings should be an object, not text"),
        ({"name": "p", "settings": {"api_base": None}}, "api_base should be text, not null"),
        ({"name": "p", "settings": {"workspace_id": 7}}, "workspace_id should be text"),
        ({"name": "p", "settings": {"read_timeout": "5"}}, "read_timeout should be a number"),
        ({"name": "p", "settings": {"deadline": True}}, "deadline should be a number"),
        ({"name": "p", "settings": {"deadline": math.inf}}, "finite number"),
        ({"name": "p", "settings": {"max_retries": 1.5}}, "max_retries should be a whole number"),
        ({"name": "p", "settings": {"ca_file": "\ud800"}}, "not valid Unicode"),
        (
            {"name": "p", "settings": {"use_system_proxy": "yes"}},
            "use_system_proxy should be true or false, not text",
        ),
        (
            {"name": "p", "settings": {"use_system_proxy": 0}},
            "use_system_proxy should be true or false, not a number",
        ),
    ],
)
def test_from_dict_wrong_types_say_which(data, message):
    with pytest.raises(ValueError) as info:
        Profile.from_dict(data)
    assert message in str(info.value)


def test_a_sound_profile_has_no_problems(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("cert")
    assert Profile("staging", STAGING.replace(ca_file=str(ca))).problems() == []
    local = ConnectionSettings(api_base="http://127.0.0.1:8000/api/v1/")
    assert Profile("local", local).problems() == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", "Give the profile a name."),
        ("   ", "Give the profile a name."),
        ("x" * (MAX_NAME_LENGTH + 1), f"longer than {MAX_NAME_LENGTH} characters"),
        ("a\nb", "control character"),
        ("tab\there", "control character"),
        ("evil\u202egnp.exe", "control character"),
        (" padded", "starts or ends with a space"),
        (LOCAL_PROFILE_NAME, "built-in profile's name"),
    ],
)
def test_name_problems(name, expected):
    problems = Profile(name).problems()
    assert any(expected in p for p in problems), problems


def test_names_that_are_fine():
    for name in ("prod", "Staging (EU)", "x" * MAX_NAME_LENGTH, "東京", "local emulator"):
        assert name_problems(name) == [], name
    assert local_profile("http://127.0.0.1:1/api/v1/", "http://127.0.0.1:1/").problems() == []


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("ftp://example.com/", "should start with https://"),
        ("example.com/api", "should start with https://"),
        ("https:///api/", "has no host name"),
        ("https://exa mple.com/", "contains spaces or control characters"),
        ("http://[::1/", "is not a valid URL"),
        ("https://example.com:99999/", "is not a valid URL"),
        ("https://example.com/?x=1", "should not have a query"),
        ("http://api.example.com/api/v1/", "the API key would be sent in clear"),
        ("http://10.0.0.5/", "the API key would be sent in clear"),
    ],
)
def test_api_and_app_base_problems(base, expected):
    for field in ("api_base", "app_base"):
        problems = Profile("p", ConnectionSettings(**{field: base})).problems()
        assert any(expected in p for p in problems), (field, problems)


def test_a_password_in_a_base_is_flagged_without_repeating_it():
    problems = Profile("p", ConnectionSettings(api_base="https://me:hunter2@h.example/")).problems()
    assert any("user name or password" in p for p in problems)
    assert not any("hunter2" in p for p in problems)


def test_plain_http_is_fine_to_this_machine_and_for_the_web_base():
    for base in (
        "http://localhost:8080/",
        "http://127.0.0.1/",
        "http://[::1]:9/",
        "http://a.localhost/",
    ):
        assert Profile("p", ConnectionSettings(api_base=base, app_base=base)).problems() == []
    assert Profile("p", ConnectionSettings(web_base="http://steamship.example/")).problems() == []


@pytest.mark.parametrize(
    "field", ["connect_timeout", "read_timeout", "write_timeout", "pool_timeout", "deadline"]
)
@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf])
def test_limits_must_be_positive(field, value):
    problems = Profile("p", ConnectionSettings(**{field: value})).problems()
    assert any("should be a positive number of seconds" in p for p in problems), problems
    assert Profile("p", ConnectionSettings(**{field: None})).problems() == []


def test_other_setting_problems(tmp_path):
    missing = tmp_path / "nope.pem"
    problems = Profile(
        "p", ConnectionSettings(ca_file=str(missing), max_retries=-1, workspace_handle="a b")
    ).problems()
    assert any("CA file" in p and "does not exist" in p for p in problems)
    assert any("Retries" in p for p in problems)
    assert any("Workspace handle" in p for p in problems)
    assert any(
        "does not exist" in p
        for p in Profile("p", ConnectionSettings(ca_file=str(tmp_path))).problems()
    )


def test_local_profile_is_builtin_with_no_workspace():
    profile = local_profile("http://127.0.0.1:5555/api/v1", "http://127.0.0.1:5555/_apps")
    assert profile.name == LOCAL_PROFILE_NAME and profile.builtin
    assert profile.settings.workspace_handle is None
    assert profile.settings.api_base == "http://127.0.0.1:5555/api/v1/"
    assert profile.settings.app_base == "http://127.0.0.1:5555/_apps/"


# --- ProfileStore ----------------------------------------------------------------------------


def test_missing_file_loads_empty_and_writable(tmp_path):
    result = _store(tmp_path).load()
    assert result.file == ProfilesFile()
    assert result.problem is None and not result.read_only
    assert result.file.import_offered is False


def test_use_system_proxy_is_on_unless_the_file_says_off(tmp_path):
    assert Profile.from_dict({"name": "old", "settings": {}}).settings.use_system_proxy is True
    store = _store(tmp_path)
    store.save(ProfilesFile([Profile("direct", ConnectionSettings(use_system_proxy=False))]))
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert raw["profiles"][0]["settings"]["use_system_proxy"] is False
    loaded = ProfileStore(store.path).load()
    assert loaded.problem is None
    assert loaded.file.profiles[0].settings.use_system_proxy is False
    del raw["profiles"][0]["settings"]["use_system_proxy"]  # a file written before the setting
    store.path.write_text(json.dumps(raw), encoding="utf-8")
    assert ProfileStore(store.path).load().file.profiles[0].settings.use_system_proxy is True


def test_round_trip_keeps_order_selection_and_flags(tmp_path):
    store = _store(tmp_path)
    file = ProfilesFile(
        profiles=[Profile("zeta", STAGING), Profile("alpha"), Profile("Alpha")],
        selected="alpha",
        import_offered=True,
    )
    store.save(file)
    result = ProfileStore(store.path).load()
    assert result.problem is None and not result.read_only
    assert result.file == file
    assert result.file.names == ["zeta", "alpha", "Alpha"]
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert raw["kind"] == "shipexplorer-profiles" and raw["schemaVersion"] == 1


def test_builtin_profiles_are_never_saved_nor_selected_on_disk(tmp_path):
    store = _store(tmp_path)
    local = local_profile("http://127.0.0.1:1/api/v1/", "http://127.0.0.1:1/")
    store.save(ProfilesFile([local, Profile("prod")], selected=LOCAL_PROFILE_NAME))
    text = store.path.read_text(encoding="utf-8")
    assert LOCAL_PROFILE_NAME not in text and "127.0.0.1" not in text
    loaded = store.load().file
    assert loaded.names == ["prod"] and loaded.selected is None


def test_save_never_writes_a_key_even_one_smuggled_in(tmp_path):
    store = _store(tmp_path)
    profile = Profile("prod")
    object.__setattr__(profile, "settings", ConnectionSettings(api_key="ss-CANARY-123"))
    with pytest.raises(ValueError, match="holds an API key"):
        store.save(ProfilesFile([profile]))
    assert not store.path.exists()
    store.save(ProfilesFile([Profile("prod")]))
    assert "ss-CANARY" not in store.path.read_text()


@pytest.mark.parametrize(
    ("profiles", "message"),
    [
        ([Profile("a"), Profile("a")], 'Two profiles are named "a"'),
        ([Profile("")], "Give the profile a name"),
        ([Profile(LOCAL_PROFILE_NAME)], "built-in"),
        ([Profile("p", ConnectionSettings(deadline=math.nan))], "finite"),
    ],
)
def test_save_refuses_what_could_not_be_read_back_and_writes_nothing(tmp_path, profiles, message):
    store = _store(tmp_path)
    store.save(ProfilesFile([Profile("kept")]))
    before = store.path.read_bytes()
    with pytest.raises(ValueError, match=message):
        store.save(ProfilesFile(profiles))
    assert store.path.read_bytes() == before


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (
            '{"kind": "shipexplorer-profiles",\n "schemaVersion": 1\n "profiles": []}',
            "line 3, column 2",
        ),
        ("[]", "not a shipexplorer profiles file"),
        ({"kind": "something-else", "schemaVersion": 1}, "not a shipexplorer profiles file"),
        (_doc({"a": 1}), "profiles should be a list, not an object"),
        (_doc([], selected=3), "selected should be a profile name, not a number"),
        (_doc([], importOffered="yes"), "importOffered should be true or false, not text"),
    ],
)
def test_corrupt_files_are_moved_aside_and_load_empty(tmp_path, document, reason):
    store = _store(tmp_path)
    _write(store, document)
    original = store.path.read_bytes()
    result = store.load()
    assert result.file == ProfilesFile()
    assert not result.read_only
    assert reason in result.problem
    assert "moved aside" in result.problem and "starts with no profiles" in result.problem
    aside = _aside(store)
    assert len(aside) == 1 and aside[0] in result.problem
    assert (store.path.parent / aside[0]).read_bytes() == original
    assert not store.path.exists()
    store.save(ProfilesFile([Profile("fresh")]))  # the app goes on
    assert store.load().file.names == ["fresh"]


def test_bad_entries_are_skipped_by_name_and_the_file_kept(tmp_path):
    store = _store(tmp_path)
    _write(
        store,
        _doc(
            [
                {"name": "good", "settings": {"deadline": 9}},
                {"name": "slow", "settings": {"deadline": "soon"}},
                "not a profile",
                {"name": "good"},
                {"name": "bad\nname"},
                {"name": "fine"},
            ],
            selected="slow",
            importOffered=True,
        ),
    )
    result = store.load()
    assert result.file.names == ["good", "fine"]
    assert result.file.get("good").settings.deadline == 9
    assert result.file.selected is None  # the selected profile was skipped
    assert result.file.import_offered is True
    assert not result.read_only
    problem = result.problem
    assert problem.startswith("4 profiles were left out of")
    assert '"slow" (deadline should be a number of seconds, not text)' in problem
    assert "entry 3 (a profile should be an object, not text)" in problem
    assert '"good" (a second profile with this name)' in problem
    assert '"bad\\nname" (the name contains a line break' in problem
    assert "kept at" in problem and len(_aside(store)) == 1
    assert store.path.exists()


def test_newer_version_loads_read_only_and_save_refuses(tmp_path):
    store = _store(tmp_path)
    _write(
        store,
        {
            "kind": "shipexplorer-profiles",
            "schemaVersion": 2,
            "profiles": [{"name": "prod", "settings": {"deadline": 5}, "tags": ["x"]}],
            "selected": "prod",
            "importOffered": True,
            "somethingNew": {},
        },
    )
    before = store.path.read_bytes()
    result = store.load()
    assert result.read_only
    assert result.file.names == ["prod"] and result.file.selected == "prod"
    assert "newer shipexplorer" in result.problem and "read-only" in result.problem
    with pytest.raises(ProfilesReadOnlyError, match="newer shipexplorer"):
        store.save(result.file)
    with pytest.raises(ProfilesReadOnlyError):  # a store that never loaded checks the disk
        ProfileStore(store.path).save(ProfilesFile())
    assert store.path.read_bytes() == before
    assert _aside(store) == []


def test_newer_version_with_an_unexpected_layout_still_loads_read_only(tmp_path):
    store = _store(tmp_path)
    _write(store, {"kind": "shipexplorer-profiles", "schemaVersion": 9, "profiles": {"by": "id"}})
    result = store.load()
    assert result.read_only and result.file.profiles == []
    assert store.path.exists() and _aside(store) == []


def test_unreadable_file_loads_read_only_and_is_not_overwritten(tmp_path):
    store = _store(tmp_path)
    store.path.mkdir(parents=True)
    result = store.load()
    assert result.read_only and result.file == ProfilesFile()
    assert "could not be" in result.problem and str(store.path) in result.problem
    with pytest.raises(ProfilesReadOnlyError):
        store.save(ProfilesFile([Profile("x")]))
    assert store.path.is_dir()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_saved_file_is_private(tmp_path):
    store = _store(tmp_path)
    store.save(ProfilesFile([Profile("p")]))
    assert store.path.stat().st_mode & 0o077 == 0


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    store = _store(tmp_path)
    store.save(ProfilesFile([Profile("old")]))

    def boom(*args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(profiles_module.storage.os, "replace", boom)
    with pytest.raises(OSError):
        store.save(ProfilesFile([Profile("new")]))
    monkeypatch.undo()
    assert store.load().file.names == ["old"]
    assert [p.name for p in store.path.parent.iterdir()] == ["profiles.json"]


# --- properties ------------------------------------------------------------------------------

_names = st.text(min_size=1, max_size=MAX_NAME_LENGTH)
_seconds = st.none() | st.floats(min_value=0.001, max_value=1e6) | st.integers(1, 10**6)
_text = st.text(max_size=40)
_settings = st.builds(
    ConnectionSettings,
    api_base=_text,
    app_base=_text,
    web_base=_text,
    workspace_handle=st.none() | _text,
    workspace_id=st.none() | _text,
    connect_timeout=_seconds,
    read_timeout=_seconds,
    write_timeout=_seconds,
    pool_timeout=_seconds,
    deadline=_seconds,
    ca_file=st.none() | _text,
    max_retries=st.integers(-5, 10**20),
    use_system_proxy=st.booleans(),
)


@given(name=_names, settings_=_settings)
def test_from_dict_round_trips_generated_profiles(name, settings_):
    profile = Profile(name, settings_)
    assert Profile.from_dict(profile.to_dict()) == profile
    assert Profile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_entry = _json | st.fixed_dictionaries({"name": st.text(max_size=8)}, optional={"settings": _json})
_document = st.builds(
    lambda entries, extra: json.dumps(_doc(entries, **extra)).encode(),
    st.lists(_entry, max_size=5),
    st.dictionaries(st.sampled_from(["selected", "importOffered", "schemaVersion"]), _json),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=400) | _document)
def test_load_never_raises_on_arbitrary_bytes(tmp_path_factory, raw):
    store = ProfileStore(tmp_path_factory.mktemp("p") / "profiles.json")
    store.path.write_bytes(raw)
    result = store.load()
    assert isinstance(result.file, ProfilesFile)
    assert result.problem is None or isinstance(result.problem, str)
    for profile in result.file.profiles:
        assert name_problems(profile.name) == []
    if not result.read_only:
        store.save(result.file)  # whatever loaded can be written back
        assert store.load().file == result.file
