"""Demo recipes as saved files: examples, layout and labels load from what ``as_recipe`` writes,
old recipes (title and description only) still load, and no ``presentation`` a file may hold
breaks the loader (a property test); a failed job's words name no argument."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.core.recipes import (
    CHAT,
    FORM,
    MAX_EXAMPLES,
    TRY_AGAIN,
    as_recipe,
    chat_argument,
    field_label,
    parse_examples,
    plain_failure,
    recipe_of,
    recipes_from,
)
from shipexplorer.core.saved_files import RequestSpec, parse_bytes, scan, to_bytes

SPEC = RequestSpec(name="Hi", instance="g", method="greet", body='{"name": "Ada"}')


def test_an_old_recipe_loads_with_no_examples_and_a_form():
    old = RequestSpec(**{**SPEC.to_dict(), "presentation": {"title": "Hi", "description": "d"}})
    recipe = recipe_of("Hi.json", old)
    assert (recipe.title, recipe.description, recipe.examples, recipe.layout) == (
        "Hi",
        "d",
        (),
        FORM,
    )
    assert recipe.label("name") == "Name"


def test_examples_layout_and_labels_round_trip_through_the_file(tmp_path):
    marked = as_recipe(
        SPEC,
        "Greet",
        "Says hello",
        examples=[{"name": "Ada"}, {"name": "Grace"}],
        layout=CHAT,
        labels={"name": "Who?"},
    )
    assert all(isinstance(v, str) for v in marked.presentation.values())  # older versions load it
    spec, _version, reason = parse_bytes(to_bytes(marked))
    assert reason is None
    recipe = recipe_of("Greet.json", spec)
    assert recipe.examples == ({"name": "Ada"}, {"name": "Grace"})
    assert recipe.layout == CHAT and recipe.label("name") == "Who?"
    # marking it again with a new title keeps the examples
    again = recipe_of("Greet.json", as_recipe(spec, "Greet them", ""))
    assert again.title == "Greet them" and len(again.examples) == 2
    (tmp_path / "Greet.json").write_bytes(to_bytes(marked))
    assert [r.title for r in recipes_from(scan(tmp_path))] == ["Greet"]


def test_broken_examples_are_left_out_not_fatal():
    assert parse_examples("not json") == ()
    assert parse_examples('{"name": 1}') == ()
    assert parse_examples('[{"a": 1}, 2, "x", {"b": 2}]') == ({"a": 1}, {"b": 2})
    many = json.dumps([{"n": i} for i in range(MAX_EXAMPLES + 5)])
    assert len(parse_examples(many)) == MAX_EXAMPLES


texts = st.text(max_size=40)
presentations = st.dictionaries(
    st.sampled_from(["title", "description", "examples", "layout", "labels", "other"]) | texts,
    texts
    | st.builds(json.dumps, st.lists(st.dictionaries(texts, st.integers() | texts), max_size=4))
    | st.builds(json.dumps, st.dictionaries(texts, texts | st.integers(), max_size=3)),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(presentations)
def test_the_loader_takes_any_presentation_a_file_may_hold(shown):
    spec = RequestSpec(**{**SPEC.to_dict(), "presentation": shown})
    spec, _version, reason = parse_bytes(to_bytes(spec))
    assert reason is None
    recipe = recipe_of("x.json", spec, "x")
    assert recipe.title  # never blank: the request's name at least
    assert recipe.layout in (FORM, CHAT)
    assert all(isinstance(example, dict) for example in recipe.examples)
    assert len(recipe.examples) <= MAX_EXAMPLES
    assert all(isinstance(label, str) for _name, label in recipe.labels)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=10), st.integers() | st.text(max_size=10))))
def test_examples_round_trip(examples):
    recipe = recipe_of("x.json", as_recipe(SPEC, "t", examples=examples))
    assert list(recipe.examples) == examples[:MAX_EXAMPLES]


def test_a_failed_job_names_no_argument():
    failure = plain_failure(
        "The slow job failed at step 3 of 3, as requested.",
        "Start it again with fail=false.",
        ["seconds", "steps", "fail"],
    )
    assert failure.message == "The slow job failed at step 3 of 3, as requested."
    assert failure.suggestion == TRY_AGAIN
    assert "fail" not in failure.text().lower().replace("failed", "")
    kept = plain_failure("It broke.", "Wait a minute and try again.", ["seconds"])
    assert kept.suggestion == "Wait a minute and try again."
    code = plain_failure("Set `image_size` lower. It broke.", "Use max_tokens below 10.", [])
    assert code.message == "It broke." and code.suggestion == TRY_AGAIN


def test_labels_and_the_chat_argument():
    assert field_label("image_size") == "Image size"
    assert field_label("contextId") == "Context id"
    assert field_label("name", {"name": "Your name"}) == "Your name"
    assert chat_argument(["context_id", "prompt", "seconds"]) == "prompt"
    assert chat_argument(["name"]) is None


def test_json_answers_read_as_lists_and_tables():
    from shipexplorer.core.demo_answers import readable

    assert readable({"result": "done", "completedSteps": 3, "ok": True}) == (
        "- **Result:** done\n- **Completed steps:** 3\n- **Ok:** yes"
    )
    table = readable([{"name": "a", "size": 1}, {"name": "b|c", "size": 2}])
    assert table.splitlines()[:2] == ["| Name | Size |", "|---|---|"]
    assert "b\\|c" in table  # a cell cannot break the table
    assert readable(["x", {"a": 1}]) == "- x\n- 1 detail"
    assert readable([]) == "Nothing to show."
