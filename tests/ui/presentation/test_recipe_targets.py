"""Presentation mode sends a recipe to the workspace and instance its saved request names (never a
bare handle, which went to the unnamed workspace ``_``), and opens the first recipe as soon as
the recipes are read."""

from __future__ import annotations

import json

import pytest

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.profiles import Profile
from shipexplorer.core.recipes import mark_as_recipe
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.presentation.presentation_mode import PresentationMode
from tests.service_support import profile_services


@pytest.fixture
def setup(qtbot, worker_pool, start_emulator, tmp_path):
    """A mode over an emulator of its own, through a profile that names no workspace (so a bare
    handle goes to ``_``); ``setup.api(workspace)`` is a client of that workspace."""
    emu = start_emulator()
    settings = ConnectionSettings(api_base=emu.api_base, app_base=emu.app_base)
    apis: list[SteamshipClient] = []

    def api(workspace: str | None = None) -> SteamshipClient:
        client = SteamshipClient(settings.replace(api_key="demo-key", workspace_handle=workspace))
        apis.append(client)
        return client

    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    runner = RequestRunner(clients, worker_pool)
    saved = SavedRequests(folder=tmp_path / "saved")
    saved.rescan()
    mode = PresentationMode(explorer, runner, None, saved, None)
    qtbot.addWidget(mode)
    mode.resize(900, 700)

    class Setup:
        pass

    made = Setup()
    made.emu, made.api, made.explorer, made.runner, made.saved, made.mode = (
        emu,
        api,
        explorer,
        runner,
        saved,
        mode,
    )

    def connect() -> None:
        profiles.add_builtin(Profile("emu", settings, builtin=True), "demo-key")

    made.connect = connect
    yield made
    runner.cancel_all()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    clients.close()
    for client in apis:
        client.close()


def recipe(saved, title: str, instance: str, workspace: str | None, body: dict) -> str:
    spec = RequestSpec(
        name=title, instance=instance, workspace=workspace, method="greet", body=json.dumps(body)
    )
    return mark_as_recipe(saved, spec, title, "")


def run(qtbot, mode: PresentationMode) -> None:
    with qtbot.waitSignal(mode._runner.finished, timeout=5000):
        mode.run()


def test_a_recipe_runs_in_the_workspace_it_names_not_the_one_listed(qtbot, setup):
    setup.api().instance_create("greeter", "g", config={"greeting": "Hi"})
    other = setup.api("other")
    other.workspace_create("other")
    other.instance_create("greeter", "g", config={"greeting": "Yo"})
    setup.connect()
    qtbot.waitUntil(lambda: setup.explorer.instance("g") is not None, timeout=5000)
    assert setup.explorer.instance("g").workspace_handle == "default"  # the listed one
    recipe(setup.saved, "Greet in other", "g", "other", {"name": "Ada"})
    setup.mode.show()
    setup.mode.open_first_recipe()
    assert setup.mode.title_label.text() == "Greet in other"
    assert setup.mode.workspace_handle() == "other"
    qtbot.waitUntil(lambda: "name" in setup.mode.form.fields, timeout=5000)
    mark = setup.emu.request_mark()
    run(qtbot, setup.mode)
    assert setup.mode.text_view.toPlainText() == "Yo, Ada!"
    paths = [r.path for r in setup.emu.requests_since(mark)]
    assert "/_apps/other/g/greet" in paths, paths


def test_a_recipe_runs_before_its_instance_is_listed(qtbot, setup):
    """The instance was made after the explorer listed the workspace: it is not listed, and a
    bare handle went to the profile's unnamed workspace ("No package instance 'g' in workspace
    '_'")."""
    setup.connect()
    qtbot.waitUntil(lambda: not setup.explorer.is_loading("instances"), timeout=5000)
    qtbot.waitUntil(lambda: setup.explorer.instances() == [], timeout=5000)
    setup.api().instance_create("greeter", "late")
    recipe(setup.saved, "Greet late", "late", "default", {"name": "Ada"})
    setup.mode.show()
    setup.mode.open_first_recipe()
    assert setup.explorer.instance("late") is None
    qtbot.waitUntil(lambda: "name" in setup.mode.form.fields, timeout=5000)  # asked where it is
    run(qtbot, setup.mode)
    assert setup.mode.text_view.toPlainText() == "Hello, Ada!"
    assert setup.mode.error_headline.isHidden()


def test_the_first_recipe_opens_once_the_recipes_and_the_connection_arrive(qtbot, setup):
    setup.mode.show()
    setup.mode.open_first_recipe()  # nothing read yet, no connection
    assert setup.mode.pages.currentWidget() is setup.mode.recipe_list
    setup.api().instance_create("greeter", "g")
    recipe(setup.saved, "Say hello", "g", "default", {"name": "Grace"})
    qtbot.waitUntil(lambda: setup.mode.pages.currentIndex() == 1, timeout=5000)
    assert setup.mode.title_label.text() == "Say hello"
    assert setup.mode.recipe_list.current_recipe().title == "Say hello"
    setup.connect()  # the connection comes later (the emulator starts after the first paint)
    qtbot.waitUntil(lambda: "name" in setup.mode.form.fields, timeout=5000)
    assert setup.mode.form.isVisibleTo(setup.mode)
    run(qtbot, setup.mode)
    assert setup.mode.text_view.toPlainText() == "Hello, Grace!"


def test_what_the_user_opened_first_stays_open(qtbot, setup):
    setup.mode.show()
    setup.mode.open_first_recipe()
    setup.mode.open_method("g", "greet", '{"name": "Ada"}')
    recipe(setup.saved, "Say hello", "g", "default", {"name": "Grace"})
    qtbot.waitUntil(lambda: len(setup.mode.recipe_list.recipes()) == 1, timeout=5000)
    assert setup.mode.title_label.text() == "Greet"


def test_a_hidden_mode_does_not_open_a_recipe_later(qtbot, setup):
    setup.mode.show()
    setup.mode.open_first_recipe()
    setup.mode.hide()  # presentation left before the recipes came
    recipe(setup.saved, "Say hello", "g", "default", {"name": "Grace"})
    qtbot.waitUntil(lambda: len(setup.mode.recipe_list.recipes()) == 1, timeout=5000)
    assert setup.mode.pages.currentWidget() is setup.mode.recipe_list
