"""PackageCatalog against the in-process emulator, and its pure helpers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.api import ConfigField, Package, PackageInstance
from shipexplorer.api.errors import HttpError
from shipexplorer.emulator import operations as emulator_operations
from shipexplorer.services.catalog import (
    NoConnection,
    PackageCatalog,
    field_named_in,
    is_valid_handle,
    suggest_instance_handle,
    validate_config,
)
from tests.catalog_support import make_catalog
from tests.service_support import profile_services

GREETER_FIELDS = [
    ConfigField("greeting", "string", "Hello", "The word the greeting starts with."),
    ConfigField("punctuation", "string", "!", "How the greeting ends.", ["!", ".", "?"]),
    ConfigField("shout", "boolean", False, "Upper-case the whole greeting."),
    ConfigField("times", "number", 1),
]


@pytest.fixture
def harness(start_emulator, worker_pool, qtbot, tmp_path):
    made = make_catalog(start_emulator(), worker_pool, tmp_path)
    yield made
    made.close(qtbot)


# -- the service over the emulator ----------------------------------------------------------------
def test_packages_are_listed_from_the_emulator(harness, qtbot):
    catalog = harness.catalog
    with qtbot.waitSignal(catalog.packagesLoaded, timeout=5000) as blocker:
        catalog.load_packages()
    handles = {p.handle for p in blocker.args[0]}
    assert {"greeter", "echo", "faults", "slow-job"} <= handles
    assert catalog.list_available


def test_a_server_without_package_list_gives_an_empty_list_not_an_error(
    harness, qtbot, monkeypatch
):
    monkeypatch.delitem(emulator_operations.OPERATIONS, "package/list")
    failures = []
    harness.catalog.packagesFailed.connect(failures.append)
    with qtbot.waitSignal(harness.catalog.packagesLoaded, timeout=5000) as blocker:
        harness.catalog.load_packages()
    assert blocker.args == [[]]
    assert not harness.catalog.list_available
    assert failures == []


def test_package_get_parses_the_config_template(harness, qtbot):
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000) as blocker:
        harness.catalog.load_package("greeter")
    handle, package = blocker.args
    assert handle == "greeter" and isinstance(package, Package)
    fields = {f.name: f for f in package.config_template}
    assert fields["greeting"].default == "Hello"
    assert fields["punctuation"].options == ["!", ".", "?"]
    assert fields["shout"].type == "boolean" and fields["shout"].default is False


def test_an_unknown_package_reports_the_error_then_none(harness, qtbot):
    errors = []
    harness.catalog.packageFailed.connect(lambda h, e: errors.append((h, e)))
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000) as blocker:
        harness.catalog.load_package("no-such-package")
    assert blocker.args == ["no-such-package", None]
    assert errors and errors[0][0] == "no-such-package"
    assert isinstance(errors[0][1], HttpError) and errors[0][1].status == 404


def test_create_instance_and_its_failures(harness, qtbot):
    catalog = harness.catalog
    with qtbot.waitSignal(catalog.created, timeout=5000) as blocker:
        catalog.create_instance("greeter", "hi-1", None, True, {"greeting": "Hi"})
    instance = blocker.args[0]
    assert isinstance(instance, PackageInstance)
    assert instance.handle == "hi-1" and instance.config == {"greeting": "Hi"}

    with qtbot.waitSignal(catalog.instanceHandlesLoaded, timeout=5000) as blocker:
        catalog.load_instance_handles()
    assert "hi-1" in blocker.args[0]

    with qtbot.waitSignal(catalog.createFailed, timeout=5000) as blocker:
        catalog.create_instance("greeter", "hi-1", None, False, None)
    assert blocker.args[0].status == 409 and "hi-1" in str(blocker.args[0])

    with qtbot.waitSignal(catalog.createFailed, timeout=5000) as blocker:
        catalog.create_instance("greeter", "hi-2", None, True, {"punctuation": "x"})
    error = blocker.args[0]
    assert error.status == 400
    assert field_named_in(error.steamship_message or str(error), ["greeting", "punctuation"]) == (
        "punctuation"
    )


def test_without_a_profile_nothing_is_sent_and_the_reason_is_given(worker_pool, qtbot, tmp_path):
    from shipexplorer.services.client_provider import ClientProvider

    credentials, profiles = profile_services(worker_pool, tmp_path)
    catalog = PackageCatalog(ClientProvider(profiles, credentials), worker_pool)
    with qtbot.waitSignal(catalog.packagesFailed, timeout=5000) as blocker:
        catalog.load_packages()
    assert isinstance(blocker.args[0], NoConnection)


# -- pure helpers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("package", "known", "expected"),
    [
        ("greeter", [], "greeter-1"),
        ("greeter", ["greeter-1", "greeter-2"], "greeter-3"),
        ("My Package_v2", [], "my-package-v2-1"),
        ("--", [], "instance-1"),
        ("", [], "instance-1"),
        ("x" * 100, [], "x" * 62 + "-1"),
    ],
)
def test_suggested_handles(package, known, expected):
    assert suggest_instance_handle(package, known) == expected


@given(st.text(), st.sets(st.text(alphabet="abc-1", max_size=12), max_size=30))
def test_a_suggested_handle_is_always_valid_and_new(package, known):
    handle = suggest_instance_handle(package, known)
    assert is_valid_handle(handle)
    assert handle not in known


@pytest.mark.parametrize("handle", ["a", "greeter-1", "a1-b2-c3"])
def test_valid_handles(handle):
    assert is_valid_handle(handle)


@pytest.mark.parametrize("handle", ["", "A", "a b", "-a", "a-", "a--b", "a_b", "x" * 65])
def test_invalid_handles(handle):
    assert not is_valid_handle(handle)


def test_validation_names_the_key_of_each_problem():
    assert validate_config(GREETER_FIELDS, {"greeting": "Hi", "shout": True}) == {}
    assert validate_config(GREETER_FIELDS, None) == {}
    assert validate_config(GREETER_FIELDS, {"shout": None}) == {}  # null: the default
    problems = validate_config(
        GREETER_FIELDS,
        {"greeting": 5, "punctuation": "x", "shout": "yes", "times": True, "nope": 1},
    )
    assert set(problems) == {"greeting", "punctuation", "shout", "times", None}
    for key in ("greeting", "punctuation", "shout", "times"):
        assert f"'{key}'" in problems[key]
    assert "'nope'" in problems[None]
    assert '"!", ".", "?"' in problems["punctuation"]
    assert validate_config(GREETER_FIELDS, [1]) == {None: "The config must be a JSON object."}


def test_without_a_template_any_object_goes():
    assert validate_config([], {"anything": [1, 2]}) == {}


def test_the_field_a_server_message_names():
    names = ["greeting", "punctuation", "shout"]
    message = "Invalid config for package 'greeter': Config key 'shout' must be of type boolean"
    assert field_named_in(message, names) == "shout"
    assert field_named_in('the "greeting" is wrong', names) == "greeting"
    assert field_named_in("punctuation must be one of", names) == "punctuation"
    assert field_named_in("greetings, punctuation-free", names) is None
    assert field_named_in("Unknown config key 'nope'", names) is None
