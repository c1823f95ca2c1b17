"""Variables: the parser, substitution (properties), precedence, secrets and the folder's file."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.core import variables
from shipexplorer.core.variables import SECRET_MASK, VariableScope

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,12}", fullmatch=True)
plain = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20)
values = st.text(max_size=30)


@given(st.lists(st.tuples(plain, names), max_size=5), plain)
def test_references_are_found_where_they_are(pieces, tail) -> None:
    text = "".join(f"{before}{{{{{name}}}}}" for before, name in pieces) + tail
    refs = variables.references(text)
    assert [r.name for r in refs] == [name for _b, name in pieces]
    for ref in refs:
        assert text[ref.start : ref.end] == f"{{{{{ref.name}}}}}"


@given(st.lists(st.tuples(plain, names), max_size=5), plain, st.dictionaries(names, values))
def test_substitution_replaces_known_names_and_keeps_the_rest(pieces, tail, known) -> None:
    text = "".join(f"{before}{{{{{name}}}}}" for before, name in pieces) + tail
    filled = variables.substitute(text, known)
    expected = "".join(before + known.get(name, f"{{{{{name}}}}}") for before, name in pieces)
    assert filled == expected + tail


@given(names, values, plain, plain, plain)
def test_a_value_inside_a_json_string_keeps_the_body_json(name, value, before, after, other):
    # the text around the reference holds quotes, backslashes and control characters too
    body = json.dumps({"a": other, "b": f"{before}<ref>{after}"})
    body = body.replace("<ref>", f"{{{{{name}}}}}")
    filled = variables.substitute(body, {name: value}, json_body=True)
    assert json.loads(filled) == {"a": other, "b": f"{before}{value}{after}"}


@given(names, st.integers())
def test_a_value_outside_a_string_is_put_as_it_is(name, number) -> None:
    body = f'{{"n": {{{{{name}}}}}, "s": "{{{{{name}}}}}"}}'
    filled = variables.substitute(body, {name: str(number)}, json_body=True)
    assert json.loads(filled) == {"n": number, "s": str(number)}


@given(st.text(max_size=40))
def test_substitution_without_values_changes_nothing(text) -> None:
    assert variables.substitute(text, {}, json_body=True) == text


def test_precedence_is_overrides_then_tab_then_captured_then_folder_then_profile() -> None:
    scope = VariableScope(
        tab={"a": "tab", "b": "tab"},
        folder={"a": "folder", "c": "folder", "d": "folder"},
        profile={"a": "profile", "e": "profile", "d": "profile"},
        captured={"b": "captured", "c": "captured"},
        overrides={"a": "override"},
    )
    assert scope.values(with_key=False) == {
        "a": "override",
        "b": "tab",
        "c": "captured",
        "d": "folder",
        "e": "profile",
    }
    assert scope.resolve("d").layer == variables.FOLDER
    assert scope.resolve("e").layer == variables.PROFILE
    assert scope.resolve("nope") is None
    assert scope.unknown("{{a}} {{nope}} {{e}} {{also_not}}") == ["nope", "also_not"]
    no_overrides = VariableScope(tab={"a": "tab"}, folder={"a": "folder"}, profile={"a": "p"})
    assert no_overrides.fill("{{a}}") == "tab"
    assert VariableScope(folder={"a": "f"}, profile={"a": "p"}).fill("{{a}}") == "f"


def test_the_key_is_a_secret_masked_when_shown_and_never_a_stored_value() -> None:
    scope = VariableScope(profile={"STEAMSHIP_API_KEY": "nope"}, key="sk-live-canary-1234")
    resolved = scope.resolve("STEAMSHIP_API_KEY")
    assert resolved.value == "sk-live-canary-1234"
    assert resolved.shown() == SECRET_MASK
    assert "canary" not in resolved.describe()
    assert scope.knows("STEAMSHIP_API_KEY")
    # the reference stays when the key is not to be filled in (the request runner fills it)
    assert scope.fill("{{STEAMSHIP_API_KEY}}", with_key=False) == "{{STEAMSHIP_API_KEY}}"
    assert variables.clean({"STEAMSHIP_API_KEY": "x", "ok": "1", "bad name": "2"}) == {"ok": "1"}
    assert variables.problems({"STEAMSHIP_API_KEY": "x"})


def test_the_refusal_names_the_variables() -> None:
    assert "{{who}}" in variables.refusal(["who"])
    assert "{{a}}, {{b}}" in variables.refusal(["a", "b"])


def test_the_folder_file_round_trips_and_a_damaged_one_is_moved_aside(tmp_path) -> None:
    assert variables.read_folder_file(tmp_path).values == {}
    variables.write_folder_file(tmp_path, {"b": "2", "a": "1"})
    text = (tmp_path / "variables.json").read_text()
    assert text.index('"a"') < text.index('"b"') and '"schemaVersion": 1' in text
    assert variables.read_folder_file(tmp_path).values == {"a": "1", "b": "2"}
    (tmp_path / "variables.json").write_text("{not json")
    read = variables.read_folder_file(tmp_path)
    assert read.values == {} and "moved aside" in read.problem
    assert not (tmp_path / "variables.json").exists()
    assert list(tmp_path.glob("variables.json.corrupt-*"))


def test_var_assignments_are_parsed_and_the_key_refused() -> None:
    assert variables.parse_assignment("who=Grace Hopper") == ("who", "Grace Hopper")
    assert variables.parse_assignment("x=") == ("x", "")
    for bad in ("noequals", "bad name=1", "STEAMSHIP_API_KEY=x"):
        try:
            variables.parse_assignment(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_reference_at_finds_the_hovered_name() -> None:
    text = '{"a": "{{who}}"}'
    assert variables.reference_at(text, text.index("who")).name == "who"
    assert variables.reference_at(text, 0) is None


def test_a_profile_keeps_its_variables_and_never_a_secret() -> None:
    from shipexplorer.core.profiles import Profile

    profile = Profile("p", variables={"who": "Ada"})
    data = profile.to_dict()
    assert data["variables"] == {"who": "Ada"}
    assert Profile.from_dict(data).variables == {"who": "Ada"}
    assert "variables" not in Profile("q").to_dict()  # older files stay as they were
    data["variables"]["STEAMSHIP_API_KEY"] = "sk-nope"
    assert Profile.from_dict(data).variables == {"who": "Ada"}
