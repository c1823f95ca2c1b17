"""Presentation mode's parts without a window: errors and task messages in plain words, task
outputs as answers, progress figures, recipes listed from the saved requests."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.core.recipes import (
    GENERIC_HEADLINE,
    mark_as_recipe,
    plain_error,
    recipes_from,
    strip_technical,
)
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.presentation.answer_area import output_answer
from shipexplorer.ui.presentation.task_progress_view import elapsed_clock, fraction_done

# -- pure parts ---------------------------------------------------------------------------------


def test_strip_technical_removes_addresses_ids_and_tracebacks():
    text = (
        "Could not reach http://127.0.0.1:8123/api/v1/task/status for task "
        "3f2a9c4e-1b2d-4c5e-8f90-0a1b2c3d4e5f.\n"
        "Request: POST https://api.steamship.com/api/v1/x\n"
        "Key ss-CANARY1234567890abcdef was refused\n"
        'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom'
    )
    out = strip_technical(text)
    assert "http" not in out and "127.0.0.1" not in out and "3f2a9c4e" not in out
    assert "CANARY" not in out and "Traceback" not in out and "boom" not in out
    assert "Request" not in out
    assert out.splitlines()[0].startswith("Could not reach")
    assert strip_technical("Statements were read.\nState: running") == "Statements were read."


def test_plain_error_keeps_the_words_and_the_suggestion():
    body = (
        "This failure was requested.\nSuggestion: Call another method.\nCode: DemoFailure\n"
        "Request: POST http://127.0.0.1:1/x/fail"
    )
    error = plain_error("HTTP error", body)
    assert error.headline == "The service reported a problem."
    assert error.message == "This failure was requested."
    assert error.suggestion == "Call another method."
    assert "DemoFailure" not in error.text() and "http" not in error.text()
    network = plain_error("connection refused", "x\nWhat to check: Check the profile's bases.")
    assert network.headline == "The service could not be reached."
    assert network.suggestion == "Check the profile's bases."
    assert plain_error(None, "").headline == GENERIC_HEADLINE


@given(st.text(max_size=300))
def test_strip_technical_never_lets_a_url_or_uuid_through(noise):
    url = "https://example.org/a?b=c"
    ident = str(uuid.uuid4())
    out = strip_technical(f"{noise} {url} {ident} {noise}")
    assert url not in out and ident not in out


def test_task_outputs_become_trees_or_text():
    tree = output_answer({"a": [1, 2]})
    assert tree.kind == "json" and tree.document is not None and tree.body_text == ""
    assert output_answer("hi").body_text == "hi"
    assert output_answer(3).body_text.strip() == "3"
    tree.close()


def test_progress_helpers():
    assert fraction_done(["step 1 of 4"]) == 0.25
    assert fraction_done(["waiting", "40% there"]) == 0.4
    assert fraction_done(["hello"]) is None
    assert elapsed_clock(7) == "0:07" and elapsed_clock(3723) == "1:02:03"


def test_recipes_from_a_store(tmp_path):
    saved = SavedRequests(folder=tmp_path / "saved")
    saved.save(RequestSpec(name="plain", instance="g", method="greet"))
    rel = mark_as_recipe(saved, RequestSpec(name="hello", instance="g", method="greet"), "Hi", "")
    recipes = recipes_from(saved.snapshot())
    assert [(r.rel, r.title, r.subtitle) for r in recipes] == [(rel, "Hi", "g · greet")]


def test_progress_messages_read_as_sentences():
    from shipexplorer.ui.presentation.task_progress_view import progress_words

    noted = progress_words("Reading your question (step 1 of 3)")
    assert noted == "Reading your question… (1 of 3)"
    assert progress_words("step 2 of 5") == "Step 2 of 5"
    assert progress_words("") == ""
