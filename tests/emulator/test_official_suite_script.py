"""scripts/official_suite.py: how it sorts a JUnit report, and the HOME it gives the suite."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "official_suite.py"


@pytest.fixture(scope="module")
def suite():
    spec = importlib.util.spec_from_file_location("official_suite", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["official_suite"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("official_suite", None)


JUNIT = """<?xml version="1.0"?>
<testsuites><testsuite>
  <testcase classname="tests.steamship_tests.data.test_file" name="test_ok"/>
  <testcase classname="tests.steamship_tests.data.test_file" name="test_broken">
    <failure message="assert 1 == 2">AssertionError</failure></testcase>
  <testcase classname="tests.steamship_tests.data.test_file" name="test_refresh">
    <failure message="x">with deploy_plugin(client, path) as p: SteamshipError</failure></testcase>
  <testcase classname="tests.steamship_tests.data.test_file" name="test_url">
    <failure message="[NoNetwork] The local emulator does not fetch content from URLs."/>
  </testcase>
  <testcase classname="tests.steamship_tests.data.test_file" name="test_skip"><skipped/></testcase>
  <testcase classname="tests.steamship_tests.app.test_x.TestGroup" name="test_in_class"/>
  <testcase classname="" name="tests.steamship_tests.agents.test_agents">
    <error message="collection failure">ModuleNotFoundError</error></testcase>
</testsuite></testsuites>
"""


def test_a_report_is_sorted_per_file(suite, tmp_path: Path) -> None:
    tests = tmp_path / "steamship_tests"
    for name in ("data/test_file.py", "app/test_x.py", "agents/test_agents.py"):
        (tests / name).parent.mkdir(parents=True, exist_ok=True)
        (tests / name).write_text("")
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT)
    results = suite.classify(junit, tests)
    assert list(results) == ["agents/test_agents.py", "app/test_x.py", "data/test_file.py"]
    data = results["data/test_file.py"]
    assert data.passed == ["test_ok"] and data.failed == ["test_broken"]
    assert data.needs_deployment == {"test_refresh": "uses deploy_plugin"}
    assert data.needs_network == {"test_url": "NoNetwork"}
    assert results["app/test_x.py"].passed == ["TestGroup::test_in_class"]
    assert results["agents/test_agents.py"].failed == ["(collection)"]
    assert suite.totals(results) == {
        "passed": 2,
        "failed": 2,
        "needs_deployment": 1,
        "needs_network": 1,
    }


def test_the_home_names_the_emulator_at_the_top_and_as_profile_test(suite, tmp_path: Path) -> None:
    suite.write_home(tmp_path, "http://127.0.0.1:9/api/v1/", "http://127.0.0.1:9/")
    config = json.loads((tmp_path / ".steamship.json").read_text())
    expected = {
        "apiKey": suite.API_KEY,
        "apiBase": "http://127.0.0.1:9/api/v1/",
        "appBase": "http://127.0.0.1:9/",
    }
    assert config["profiles"]["test"] == expected
    assert {k: config[k] for k in expected} == expected


def test_the_listed_files_are_issue_19s(suite) -> None:
    assert "data/tags" in suite.LISTED and "utils/test_kv_store.py" in suite.LISTED
    assert len(suite.LISTED) == 9


def test_the_exit_status_fails_only_on_failed_tests_of_the_files_given(
    suite, monkeypatch, capsys
) -> None:
    excused = {"test_file_refresh": "uses deploy_plugin"}
    results = {"data/test_file.py": suite.FileResult(passed=["a"], needs_deployment=excused)}
    monkeypatch.setattr(suite, "run_suite", lambda *args: (results, [], 1.0))
    assert suite.main(["--python", "py", "--files", "listed"]) == 0
    results["data/test_file.py"].failed.append("c")
    assert suite.main(["--python", "py", "--files", "listed"]) == 1
    assert suite.main(["--python", "py"]) == 0  # the whole suite: figures only
    assert "1 failed" in capsys.readouterr().out

    def broken(*args):
        raise RuntimeError("no report")

    monkeypatch.setattr(suite, "run_suite", broken)
    assert suite.main(["--python", "py", "--json"]) == 2


def test_listed_files_excuse_only_the_known_tests(suite) -> None:
    results = {
        "data/test_file.py": suite.FileResult(
            needs_deployment={"test_file_refresh": "uses deploy_plugin", "test_new": "uses x"}
        ),
        "data/tags/test_file_tags.py": suite.FileResult(needs_network={"test_tag": "NoNetwork"}),
        "plugin/test_other.py": suite.FileResult(
            needs_deployment={"test_p": "uses Plugin.create("}
        ),
    }
    suite.hold_listed(results)
    assert results["data/test_file.py"].needs_deployment == {
        "test_file_refresh": "uses deploy_plugin"
    }
    assert results["data/test_file.py"].failed == ["test_new (expected to pass; sorted as: uses x)"]
    assert results["data/tags/test_file_tags.py"].failed[0].startswith("test_tag")
    assert results["plugin/test_other.py"].failed == []  # not a listed file: left as it is
