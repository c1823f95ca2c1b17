"""The --local playground's demo recipes: written once, never over a user's file, each naming the
workspace and instance it runs, and each running on the demo instances the emulator makes."""

from __future__ import annotations

import json

from shipexplorer.api import ConnectionSettings, InstanceRef, SteamshipClient
from shipexplorer.core.recipes import CHAT, recipes_from
from shipexplorer.core.saved_files import parse_bytes, scan, to_bytes
from shipexplorer.emulator import Emulator
from shipexplorer.emulator.demo import DEMO_INSTANCES
from shipexplorer.emulator.packages import CATALOGUE
from shipexplorer.services import paths, playground
from shipexplorer.services.playground import DEMO_FOLDER, DEMO_RECIPES, seed_demo_recipes


def test_the_first_call_writes_the_recipes_and_the_marker(tmp_path):
    folder, marker = tmp_path / "saved", tmp_path / "data" / "playground.json"
    result = seed_demo_recipes(folder, marker)
    assert result.problem is None
    assert len(result.written) == len(DEMO_RECIPES) >= 3
    assert marker.is_file()
    recipes = recipes_from(scan(folder))
    assert [r.title for r in recipes] == [d.title for d in DEMO_RECIPES]
    assert recipes[0].title == "Greet someone"
    for recipe in recipes:
        assert recipe.rel.startswith(f"{DEMO_FOLDER}/")
        assert recipe.spec.workspace == "default"
        assert recipe.description
    # readable files, as a user would keep them in git
    text = (folder / recipes[0].rel).read_text()
    assert '"workspace": "default"' in text and '"instance": "greeter-1"' in text


def test_recipes_are_written_once_and_deleted_ones_stay_deleted(tmp_path):
    folder, marker = tmp_path / "saved", tmp_path / "playground.json"
    first = seed_demo_recipes(folder, marker)
    (folder / first.written[0]).unlink()
    again = seed_demo_recipes(folder, marker)
    assert again.written == [] and again.problem is None
    assert not (folder / first.written[0]).exists()


def test_a_users_file_of_the_same_name_is_kept(tmp_path):
    folder, marker = tmp_path / "saved", tmp_path / "playground.json"
    rel = f"{DEMO_FOLDER}/1 Greet someone.json"
    (folder / DEMO_FOLDER).mkdir(parents=True)
    (folder / rel).write_text("mine\n")
    result = seed_demo_recipes(folder, marker)
    assert rel not in result.written and len(result.written) == len(DEMO_RECIPES) - 1
    assert (folder / rel).read_text() == "mine\n"


def test_a_folder_that_cannot_be_written_is_reported_and_tried_again(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    marker = tmp_path / "playground.json"
    result = seed_demo_recipes(blocker / "saved", marker)
    assert result.problem and "could not be written" in result.problem
    assert not marker.exists()  # the next start tries again
    assert seed_demo_recipes(tmp_path / "saved", marker).written


def test_a_damaged_marker_counts_as_done(tmp_path):
    marker = tmp_path / "playground.json"
    marker.write_text("{not json")
    result = seed_demo_recipes(tmp_path / "saved", marker)
    assert result.written == [] and result.problem is None
    assert json.loads(marker.read_text())["demoRecipes"] is True


def test_the_marker_lives_in_the_data_folder(app_home):
    assert paths.playground_file().parent == paths.app_paths().data
    assert paths.emulator_state_file() == paths.app_paths().data / "local-emulator.sqlite3"
    result = playground.seed_demo_recipes(app_home / "saved")
    assert result.written and paths.playground_file().is_file()


def test_every_demo_recipe_runs_on_the_demo_instances():
    demo = {handle: package for package, handle in DEMO_INSTANCES}
    for recipe in DEMO_RECIPES:
        spec, _version, reason = parse_bytes(to_bytes(recipe.spec()))
        assert reason is None and spec == recipe.spec()
        assert recipe.instance in demo
        assert CATALOGUE[demo[recipe.instance]].find(recipe.verb, recipe.method) is not None
    with Emulator(seed_demo=True) as emu:
        settings = ConnectionSettings(
            api_base=emu.api_base, app_base=emu.app_base, api_key="demo-key"
        )
        with SteamshipClient(settings) as client:
            for recipe in DEMO_RECIPES:
                spec = recipe.spec()
                target = InstanceRef(instance_handle=spec.instance, workspace_handle=spec.workspace)
                request = client.invoke_request(
                    target, spec.method, json.loads(spec.body), verb=spec.verb
                )
                exchange = client.send(request)
                assert exchange.error is None, (recipe.title, exchange.error)
                assert exchange.status == 200


def test_a_marker_of_the_first_set_gets_only_the_new_chat_demo(tmp_path):
    folder, marker = tmp_path / "saved", tmp_path / "playground.json"
    marker.write_text(
        json.dumps({"kind": playground.MARKER_KIND, "schemaVersion": 1, "demoRecipes": True})
    )
    result = seed_demo_recipes(folder, marker)
    new = [d for d in DEMO_RECIPES if d.since > 1]
    assert result.written == [f"{DEMO_FOLDER}/{d.name}.json" for d in new]
    assert json.loads(marker.read_text())["demoSet"] == playground.DEMO_SET
    assert seed_demo_recipes(folder, marker).written == []


def test_every_demo_has_examples_and_the_chat_demo_is_a_chat(tmp_path):
    seed_demo_recipes(tmp_path / "saved", tmp_path / "marker.json")
    recipes = recipes_from(scan(tmp_path / "saved"))
    assert all(recipe.examples for recipe in recipes)
    chats = [recipe for recipe in recipes if recipe.layout == CHAT]
    assert [(c.instance, c.method) for c in chats] == [("agent-1", "prompt")]
    assert json.loads(chats[0].spec.body)["seconds"] > 0  # it answers through a task
