"""Checks and captures: their verdicts on answers, and their place in a saved request's file."""

from __future__ import annotations

from shipexplorer.core import checks
from shipexplorer.core.checks import Capture, Check, Observed
from shipexplorer.core.saved_files import RequestSpec, parse_bytes, to_bytes

BODY = {"data": {"packageInstance": {"handle": "g-1", "id": "X"}, "n": 3}, "taskId": "T"}


def verdicts(*items: Check, seen: Observed) -> list[bool]:
    return [v.held for v in checks.evaluate(items, seen)]


def test_status_checks() -> None:
    seen = Observed(200, BODY)
    assert verdicts(Check("status is", 200), Check("status is not", 500), seen=seen) == [
        True,
        True,
    ]
    wrong = checks.evaluate([Check("status is", 201)], seen)[0]
    assert not wrong.held and "200" in wrong.why
    assert not checks.evaluate([Check("status is", 200)], Observed(None, error="refused"))[0].held


def test_path_checks_exist_equal_and_match() -> None:
    seen = Observed(200, BODY)
    assert verdicts(
        Check("exists", path="$.data.packageInstance.handle"),
        Check("equals", "g-1", "$.data.packageInstance.handle"),
        Check("equals", 3, "$.data.n"),
        Check("matches", r"^g-\d$", "$..handle"),
        seen=seen,
    ) == [True, True, True, True]
    missing, unequal, nomatch, typed = checks.evaluate(
        [
            Check("exists", path="$.nothing"),
            Check("equals", "g-2", "$.data.packageInstance.handle"),
            Check("matches", "^z", "$.data.packageInstance.handle"),
            Check("equals", "3", "$.data.n"),  # text is not the number
        ],
        seen,
    )
    assert not missing.held and "nothing found" in missing.why
    assert not unequal.held and '"g-1"' in unequal.why
    assert not nomatch.held and "does not match" in nomatch.why
    assert not typed.held


def test_a_text_answer_is_one_string_at_the_root() -> None:
    seen = Observed(200, "Hello, Ada!")
    assert verdicts(Check("matches", "^Hello", "$"), Check("exists", path="$.x"), seen=seen) == [
        True,
        False,
    ]


def test_task_checks() -> None:
    check = Check("task ends", "succeeded", within=5)
    assert verdicts(check, seen=Observed(200, {}, "succeeded", 1.2, had_task=True)) == [True]
    failed = checks.evaluate([check], Observed(200, {}, "failed", 1.0, had_task=True))[0]
    assert not failed.held and "ended failed" in failed.why
    late = checks.evaluate([check], Observed(200, {}, None, None, had_task=True))[0]
    assert not late.held and "had not ended after 5 s" in late.why
    assert not checks.evaluate([check], Observed(200, {}))[0].held  # not a task
    assert checks.task_timeout([check, Check("status is", 200)]) == 5


def test_bad_checks_fail_with_a_sentence_instead_of_raising() -> None:
    bad = [Check("matches", "(", "$.a"), Check("exists", path="$["), Check("status is", "200")]
    for verdict in checks.evaluate(bad, Observed(200, BODY)):
        assert not verdict.held and verdict.why.endswith((")", ".", "200."))


def test_captures_take_text_as_it_is_and_other_values_as_json() -> None:
    values, missed = checks.capture(
        [
            Capture("greeter", "$.data.packageInstance.handle"),
            Capture("n", "$.data.n"),
            Capture("gone", "$.nope"),
        ],
        BODY,
    )
    assert values == {"greeter": "g-1", "n": "3"}
    assert len(missed) == 1 and "{{gone}}" in missed[0]
    assert Capture("STEAMSHIP_API_KEY", "$.x").problems()


def test_a_saved_request_keeps_its_checks_and_captures_and_old_files_are_unchanged() -> None:
    old = RequestSpec(name="old", method="greet", body="{}")
    assert b"checks" not in to_bytes(old) and b"captures" not in to_bytes(old)
    assert parse_bytes(to_bytes(old))[0] == old
    spec = RequestSpec(
        name="new",
        method="greet",
        checks=(Check("status is", 200), Check("task ends", "succeeded", within=10)),
        captures=(Capture("g", "$.handle"),),
        variables={"who": "Ada"},
    )
    again, version, problem = parse_bytes(to_bytes(spec))
    assert problem is None and version == 1 and again == spec
    assert RequestSpec(**spec.to_dict()) == spec
    broken = to_bytes(spec).replace(b'"status is"', b'"status was"')
    assert parse_bytes(broken)[0] is None
