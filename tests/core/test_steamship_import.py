"""Import of ~/.steamship.json and STEAMSHIP_* variables (services.steamship_import)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipexplorer.api.settings import DEFAULT_API_BASE, DEFAULT_APP_BASE, ConnectionSettings
from shipexplorer.core.profiles import (
    LOCAL_PROFILE_NAME,
    MAX_NAME_LENGTH,
    Profile,
    name_problems,
)
from shipexplorer.core.steamship_import import (
    ENVIRONMENT_SOURCE,
    ImportCandidate,
    read_environment,
    read_steamship_config,
    scan,
    underscore,
)

CANARY = "ss-CANARY-5f1c"


def _home(tmp_path, content) -> os.PathLike:
    path = tmp_path / ".steamship.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return tmp_path


def _by_name(result) -> dict[str, ImportCandidate]:
    return {c.profile.name: c for c in result.candidates}


def test_underscore_matches_inflection():
    assert underscore("apiKey") == "api_key"
    assert underscore("APIKey") == "api_key"
    assert underscore("workspaceHandle") == "workspace_handle"
    assert underscore("api_base") == "api_base"
    assert underscore("web-base") == "web_base"


def test_missing_file_gives_nothing(tmp_path):
    result = read_steamship_config(tmp_path / ".steamship.json")
    assert result.candidates == [] and result.problems == []
    result = scan(tmp_path, {})
    assert result.candidates == [] and result.problems == []


def test_top_level_only(tmp_path):
    home = _home(
        tmp_path,
        {
            "apiKey": CANARY,
            "apiBase": "https://api.staging.example/api/v1",
            "appBase": "https://staging.run",
            "webBase": "https://web.example/",
            "workspaceHandle": "team",
            "workspaceId": "W-1",
        },
    )
    result = scan(home, {})
    assert result.problems == []
    (candidate,) = result.candidates
    assert candidate.profile.name == "default"
    assert candidate.api_key == CANARY
    assert candidate.source == "~/.steamship.json"
    assert candidate.profile.settings == ConnectionSettings(
        api_base="https://api.staging.example/api/v1/",
        app_base="https://staging.run/",
        web_base="https://web.example/",
        workspace_handle="team",
        workspace_id="W-1",
    )
    assert candidate.profile.problems() == []


def test_named_profiles_inherit_nothing_from_the_top_level(tmp_path):
    home = _home(
        tmp_path,
        {
            "apiKey": "top-key",
            "apiBase": "https://top.example/api/v1/",
            "workspaceHandle": "top-ws",
            "profiles": {
                "staging": {"apiKey": "staging-key", "appBase": "https://apps.staging.example/"},
                "keyless": {"workspace_handle": "snake"},
            },
        },
    )
    result = scan(home, {})
    assert result.problems == []
    assert [c.profile.name for c in result.candidates] == ["default", "staging", "keyless"]
    found = _by_name(result)
    staging = found["staging"]
    assert staging.api_key == "staging-key"
    assert staging.source == '~/.steamship.json, profile "staging"'
    assert staging.profile.settings.api_base == DEFAULT_API_BASE  # not the top level's
    assert staging.profile.settings.workspace_handle is None
    assert staging.profile.settings.app_base == "https://apps.staging.example/"
    assert found["keyless"].api_key is None
    assert found["keyless"].profile.settings.workspace_handle == "snake"


def test_profiles_only_has_no_top_level_candidate(tmp_path):
    home = _home(tmp_path, {"profiles": {"a": {"apiKey": "k"}}})
    assert [c.profile.name for c in scan(home, {}).candidates] == ["a"]


def test_names_become_valid_and_unique(tmp_path):
    home = _home(
        tmp_path,
        {
            "apiKey": "k",
            "profiles": {
                "default": {"apiKey": "named"},
                LOCAL_PROFILE_NAME: {},
                "line\nbreak": {},
                "   ": {},
                "x" * 200: {},
                "x" * 200 + "y": {},
            },
        },
    )
    result = scan(home, {})
    names = [c.profile.name for c in result.candidates]
    assert names[0] == "default (top level)"
    assert names[1] == "default" and result.candidates[1].api_key == "named"
    assert LOCAL_PROFILE_NAME not in names
    assert "line break" in names and "unnamed" in names
    assert len(set(names)) == len(names)
    for name in names:
        assert name_problems(name) == [], name
    assert max(map(len, names)) == MAX_NAME_LENGTH


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"apiKey": "k",\n  "apiBase" "x"}', "line 2, column 13: Expecting ':' delimiter"),
        ("", "line 1, column 1: Expecting value"),
        (b"\x80\x81", "not UTF-8 text"),
        ("[1, 2]", "should hold a JSON object, not a list"),
        ('"just text"', "should hold a JSON object, not text"),
        ('{"a": ' * 50_000, "nested too deeply"),
    ],
)
def test_malformed_files_give_a_clear_problem_and_nothing(tmp_path, content, expected):
    home = _home(tmp_path, content)
    before = (home / ".steamship.json").read_bytes()
    result = scan(home, {})
    assert result.candidates == []
    (problem,) = result.problems
    assert problem.startswith("~/.steamship.json")
    assert expected in problem
    assert (home / ".steamship.json").read_bytes() == before  # never moved or written


def test_wrong_types_skip_only_their_entry(tmp_path):
    home = _home(
        tmp_path,
        {
            "apiKey": 12345,
            "profiles": {
                "good": {"apiKey": "g", "apiBase": None},
                "bad": {"apiBase": ["x"]},
                "worse": "text",
            },
        },
    )
    result = scan(home, {})
    assert [c.profile.name for c in result.candidates] == ["good"]
    assert result.candidates[0].profile.settings.api_base == DEFAULT_API_BASE
    assert result.problems == [
        "~/.steamship.json: the top level was skipped: apiKey should be text, not a number.",
        '~/.steamship.json: profile "bad" was skipped: apiBase should be text, not a list.',
        '~/.steamship.json: profile "worse" was skipped: it should be an object, not text.',
    ]


def test_profiles_of_the_wrong_type(tmp_path):
    home = _home(tmp_path, {"apiKey": "k", "profiles": ["a"]})
    result = scan(home, {})
    assert [c.profile.name for c in result.candidates] == ["default"]
    assert "profiles should be an object" in result.problems[0]


def test_huge_file_is_not_read(tmp_path):
    home = _home(tmp_path, '{"apiKey": "k", "pad": "' + "x" * (1024 * 1024) + '"}')
    result = scan(home, {})
    assert result.candidates == []
    assert result.problems == ["~/.steamship.json is larger than 1 MB; it was not read."]


def test_a_folder_in_the_way_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / ".steamship.json").mkdir()
    result = scan(tmp_path, {})
    assert result.candidates == []
    assert "could not be read" in result.problems[0]


def test_invalid_bases_still_come_back_with_problems(tmp_path):
    home = _home(tmp_path, {"profiles": {"odd": {"apiBase": "ftp://x", "appBase": "http://a.b/"}}})
    (candidate,) = scan(home, {}).candidates
    problems = candidate.profile.problems()
    assert any("API base" in p and "https://" in p for p in problems)
    assert any("App base" in p and "in clear" in p for p in problems)


def test_repr_and_str_never_show_the_key(tmp_path):
    home = _home(tmp_path, {"apiKey": CANARY})
    candidate = scan(home, {}).candidates[0]
    assert CANARY not in repr(candidate) and CANARY not in str(candidate)
    assert CANARY not in repr(scan(home, {}))
    assert "<hidden>" in repr(candidate)
    assert "api_key=None" in repr(ImportCandidate(Profile("p"), None, "x"))


# --- environment -----------------------------------------------------------------------------


def test_no_variables_no_candidate():
    assert read_environment({}).candidates == []
    assert read_environment({"STEAMSHIP_PROFILE": "x", "PATH": "/bin"}).candidates == []
    assert read_environment({"STEAMSHIP_API_KEY": "  "}).candidates == []


def test_all_variables():
    result = read_environment(
        {
            "STEAMSHIP_API_KEY": f" {CANARY}\n",
            "STEAMSHIP_API_BASE": "https://e.example/api/v1",
            "STEAMSHIP_APP_BASE": "https://e.run",
            "STEAMSHIP_WEB_BASE": "https://e.web",
            "STEAMSHIP_WORKSPACE_HANDLE": "ws",
            "STEAMSHIP_WORKSPACE_ID": "id",
        }
    )
    (candidate,) = result.candidates
    assert candidate.profile.name == "environment"
    assert candidate.source == ENVIRONMENT_SOURCE
    assert candidate.api_key == CANARY
    assert candidate.profile.settings == ConnectionSettings(
        api_base="https://e.example/api/v1/",
        app_base="https://e.run/",
        web_base="https://e.web/",
        workspace_handle="ws",
        workspace_id="id",
    )


def test_steamship_profile_names_the_candidate():
    result = read_environment({"STEAMSHIP_API_KEY": "k", "STEAMSHIP_PROFILE": "ci\tjob"})
    assert result.candidates[0].profile.name == "ci job"
    assert result.candidates[0].profile.settings.app_base == DEFAULT_APP_BASE


def test_undecodable_variables_are_ignored_with_a_problem():
    result = read_environment({"STEAMSHIP_API_KEY": "k", "STEAMSHIP_WORKSPACE_ID": "a\udcff"})
    assert result.candidates[0].profile.settings.workspace_id is None
    assert result.problems == [
        "STEAMSHIP_WORKSPACE_ID holds bytes that are not valid text; it was ignored."
    ]


def test_variables_override_the_file_section_the_official_client_would_use(tmp_path):
    home = _home(
        tmp_path,
        {
            "apiKey": "top",
            "profiles": {"staging": {"apiKey": "file-key", "apiBase": "https://s.example/api/v1/"}},
        },
    )
    env = {"STEAMSHIP_PROFILE": "staging", "STEAMSHIP_WORKSPACE_HANDLE": "from-env"}
    result = scan(home, env)
    names = [c.profile.name for c in result.candidates]
    assert names == ["default", "staging", "staging (environment)"]
    merged = result.candidates[-1]
    assert merged.api_key == "file-key"
    assert merged.profile.settings.api_base == "https://s.example/api/v1/"
    assert merged.profile.settings.workspace_handle == "from-env"
    assert merged.source == f'{ENVIRONMENT_SOURCE} over ~/.steamship.json, profile "staging"'
    assert result.problems == []

    result = scan(home, {"STEAMSHIP_API_BASE": "https://env.example/"})
    merged = result.candidates[-1]
    assert merged.profile.name == "environment"
    assert merged.api_key == "top"
    assert merged.profile.settings.api_base == "https://env.example/"


def test_steamship_profile_missing_from_the_file_is_said(tmp_path):
    home = _home(tmp_path, {"apiKey": "top"})
    result = scan(home, {"STEAMSHIP_PROFILE": "prod", "STEAMSHIP_API_KEY": "env"})
    assert result.candidates[-1].profile.name == "prod"
    assert result.candidates[-1].api_key == "env"
    assert result.problems == [
        'STEAMSHIP_PROFILE names "prod", which ~/.steamship.json does not have; '
        "the STEAMSHIP_* variables were read on their own."
    ]


def test_import_only_reads(tmp_path):
    home = _home(tmp_path, {"apiKey": "k", "profiles": {"a": {}}})
    path = home / ".steamship.json"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    scan(home, {"STEAMSHIP_API_KEY": "e"})
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in home.iterdir()) == [".steamship.json"]


# --- properties ------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=15,
)
_keys = st.sampled_from(["apiKey", "apiBase", "appBase", "workspaceHandle", "api_key", "x"])
_section = st.dictionaries(_keys, st.none() | st.text(max_size=20) | _json, max_size=4)
_config = st.fixed_dictionaries(
    {}, optional={"apiKey": _json, "profiles": st.dictionaries(st.text(max_size=70), _section)}
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300) | _config.map(lambda d: json.dumps(d).encode()))
def test_arbitrary_bytes_never_raise_and_names_are_valid(tmp_path_factory, raw):
    home = tmp_path_factory.mktemp("home")
    (home / ".steamship.json").write_bytes(raw)
    result = read_steamship_config(home / ".steamship.json")
    assert all(isinstance(p, str) and p for p in result.problems)
    names = [c.profile.name for c in result.candidates]
    assert len(set(names)) == len(names)
    for candidate in result.candidates:
        assert name_problems(candidate.profile.name) == []
        assert candidate.profile.settings.api_key is None
        candidate.profile.problems()  # never raises either
