"""``shipexplorer --local`` is a ready playground: its emulator keeps its state in the data folder,
the first start has demo instances and demo recipes, a second start finds what the first made
(and a saved request still runs), and ``--present`` opens on the first recipe."""

from __future__ import annotations

import json

from shipexplorer.api import InstanceRef, SteamshipClient
from shipexplorer.app import launch, parse_args
from shipexplorer.core.recipes import recipes_from
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.emulator.demo import DEMO_INSTANCES
from shipexplorer.services import paths
from shipexplorer.services.playground import DEMO_RECIPES

DEMO_HANDLES = {handle for _, handle in DEMO_INSTANCES}


def _launch(qtbot, *args: str):
    context, services, window = launch(parse_args(["--local", *args]))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: context.emulator is not None, timeout=10000)
    qtbot.waitUntil(lambda: services.clients.has_key(), timeout=10000)
    return context, services, window


def _close(qtbot, context, services, window) -> None:
    window.close()
    services.runner.cancel_all()
    qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=10000)
    services.shutdown()
    context.shutdown()


def _listed(services) -> set[str]:
    return {i.handle for i in services.explorer.instances()}


def test_a_second_start_finds_what_the_first_made(qtbot, app_home):
    context, services, window = _launch(qtbot)
    try:
        emulator = context.emulator
        assert emulator.state_file == paths.emulator_state_file()
        assert emulator.state_file.is_relative_to(app_home)
        assert {i.handle for i in emulator.seeded} == DEMO_HANDLES
        qtbot.waitUntil(lambda: _listed(services) >= DEMO_HANDLES, timeout=10000)
        saved = services.saved
        qtbot.waitUntil(
            lambda: len(recipes_from(saved.snapshot())) == len(DEMO_RECIPES), timeout=10000
        )
        settings = services.clients.settings()
        with SteamshipClient(settings.replace(workspace_handle="default")) as api:
            api.instance_create("greeter", "mine", config={"greeting": "Welcome back"})
        spec = RequestSpec(
            name="Greet mine",
            instance="mine",
            workspace="default",
            method="greet",
            body='{"name": "Ada"}',
        )
        saved.save(spec)
    finally:
        _close(qtbot, context, services, window)

    context, services, window = _launch(qtbot)
    try:
        emulator = context.emulator
        assert emulator.seeded == [] and emulator.state_problem is None
        qtbot.waitUntil(lambda: _listed(services) >= DEMO_HANDLES | {"mine"}, timeout=10000)
        saved = services.saved
        qtbot.waitUntil(
            lambda: any(e.display_name == "Greet mine" for e in saved.snapshot().entries),
            timeout=10000,
        )
        assert len(recipes_from(saved.snapshot())) == len(DEMO_RECIPES)  # not written twice
        entry = next(e for e in saved.snapshot().entries if e.display_name == "Greet mine")
        kept = entry.spec
        assert kept.workspace == "default"
        target = InstanceRef(instance_handle=kept.instance, workspace_handle=kept.workspace)
        with qtbot.waitSignal(services.runner.finished, timeout=10000) as answered:
            services.runner.send(target, kept.method, kept.body, kept.verb)
        answer = answered.args[1]
        assert answer.status == 200
        assert answer.body_text == "Welcome back, Ada!"
    finally:
        _close(qtbot, context, services, window)


def test_local_present_opens_on_the_first_recipe_once_the_emulator_is_up(qtbot):
    context, services, window = launch(parse_args(["--local", "--present"]))
    qtbot.addWidget(window)
    try:
        assert context.emulator is None  # it starts after the first paint
        qtbot.waitUntil(lambda: window.presentation.mode is not None, timeout=10000)
        mode = window.presentation.mode
        qtbot.waitUntil(lambda: mode.pages.currentIndex() == 1, timeout=10000)
        assert mode.title_label.text() == DEMO_RECIPES[0].title
        assert mode.title_label.isVisible() and mode.isVisible()
        qtbot.waitUntil(lambda: "name" in mode.form.fields, timeout=10000)
        assert mode.form.isVisible()
        assert json.loads(mode.body_text()) == DEMO_RECIPES[0].body
        with qtbot.waitSignal(services.runner.finished, timeout=10000):
            mode.run()
        qtbot.waitUntil(lambda: mode.text_view.toPlainText() == "Hello, Ada!", timeout=10000)
    finally:
        _close(qtbot, context, services, window)


def test_a_damaged_state_file_is_moved_aside_and_the_user_is_told(qtbot, app_home):
    state = paths.emulator_state_file()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(b"not a database at all\n" * 100)
    context, services, window = _launch(qtbot)
    try:
        qtbot.waitUntil(lambda: "started afresh" in window.messages.label.text(), timeout=10000)
        assert "damaged" in window.messages.label.text()
        assert window.messages.isVisible()
        assert [p.name for p in state.parent.glob("local-emulator.sqlite3.corrupt-*")]
        qtbot.waitUntil(lambda: _listed(services) >= DEMO_HANDLES, timeout=10000)
    finally:
        _close(qtbot, context, services, window)
