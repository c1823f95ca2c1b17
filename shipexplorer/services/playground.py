"""The ``--local`` playground's demos, written once into the saved-requests folder.

The first ``--local`` start writes a few demos (saved requests marked for demo mode, with
example inputs the presenter clicks) that call the demo instances the emulator makes in
``default`` (``greeter-1``, ``echo-1``, ``slow-job-1``, ``media-1``, ``agent-1``: see
:mod:`shipexplorer.emulator.demo`), the last one a chat with the pretend agent. Each names its
workspace and instance, so it runs whatever workspace the window shows. They go in a
``Local playground`` group of the folder; a file of that name that is already there is never
replaced.

A small marker (``playground.json`` in the data folder, :func:`~.paths.playground_file`) says that
it was done (``demoSet``: the newest set of demos written), so recipes a user deleted stay
deleted; demos added in a later version (``since``) are written once at the next start. No Qt
objects: the function runs on a worker (with the emulator's start) and never raises.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shipexplorer.core import storage
from shipexplorer.core.recipes import CHAT, FORM, as_recipe
from shipexplorer.core.saved_files import RequestSpec, file_name, to_bytes
from shipexplorer.services import paths

log = logging.getLogger(__name__)

MARKER_KIND = "shipexplorer-playground"
MARKER_VERSION = 1
DEMO_FOLDER = "Local playground"
DEMO_WORKSPACE = "default"


@dataclass(frozen=True)
class DemoRecipe:
    """One demo recipe: the saved request's name, what the audience reads, and the call."""

    name: str
    title: str
    description: str
    instance: str
    method: str
    body: dict
    verb: str = "POST"
    examples: tuple[dict[str, Any], ...] = ()
    layout: str = FORM
    labels: dict[str, str] = field(default_factory=dict)
    example_names: tuple[str, ...] = ()
    #: the set of demos it came with (1: the first ones; a marker of an older set adds it)
    since: int = 1

    def spec(self) -> RequestSpec:
        request = RequestSpec(
            name=self.name,
            instance=self.instance,
            workspace=DEMO_WORKSPACE,
            method=self.method,
            verb=self.verb,
            body=json.dumps(self.body, indent=2, ensure_ascii=False),
            notes="A demo of the local playground (shipexplorer --local).",
        )
        return as_recipe(
            request,
            self.title,
            self.description,
            examples=self.examples,
            layout=self.layout,
            labels=self.labels,
            example_names=self.example_names,
        )


DEMO_RECIPES: tuple[DemoRecipe, ...] = (
    DemoRecipe(
        "1 Greet someone",
        "Greet someone",
        "Type a name and the greeter says hello.",
        "greeter-1",
        "greet",
        {"name": "Ada"},
        examples=({"name": "Ada"}, {"name": "Grace Hopper"}, {"name": "Alan"}),
        labels={"name": "Who should be greeted?"},
    ),
    DemoRecipe(
        "2 Echo a message",
        "Echo a message",
        "Whatever you send comes straight back, unchanged.",
        "echo-1",
        "echo",
        {"message": "Hello from the local playground", "tags": ["demo", "local"], "count": 3},
        examples=(
            {"message": "Hello from the local playground", "tags": ["demo"], "count": 3},
            {"message": "Good morning, everyone", "tags": ["greeting"], "count": 1},
        ),
        labels={"message": "Your message", "count": "How many times"},
    ),
    DemoRecipe(
        "3 A long job",
        "A long job",
        "Starts work that takes a few seconds and shows its progress as it goes.",
        "slow-job-1",
        "start",
        {"seconds": 6, "steps": 3, "fail": False},
        examples=(
            {"seconds": 6, "steps": 3, "fail": False},
            {"seconds": 10, "steps": 5, "fail": False},
            {"seconds": 4, "steps": 2, "fail": True},
        ),
        example_names=("A short job", "A longer job in five steps", "A job that fails"),
        labels={
            "seconds": "How long it takes (seconds)",
            "steps": "Number of steps",
            "fail": "Make it fail at the end",
        },
    ),
    DemoRecipe(
        "4 An image",
        "An image",
        "The answer is a picture rather than text.",
        "media-1",
        "image",
        {"size": 128},
        examples=({"size": 64}, {"size": 128}, {"size": 256}),
        example_names=("Small", "Medium", "Large"),
        labels={"size": "Picture size (pixels)"},
    ),
    DemoRecipe(
        "5 Chat with an assistant",
        "Chat with an assistant",
        "Ask a question; the pretend assistant says what it is doing, then answers.",
        "agent-1",
        "prompt",
        {"prompt": "What can you do?", "seconds": 3},
        examples=(
            {"prompt": "What can you do?"},
            {"prompt": "What is the weather like on Mars?"},
            {"prompt": "Write a haiku about ships."},
        ),
        layout=CHAT,
        since=2,
    ),
)
#: the newest set of demos (see ``DemoRecipe.since``)
DEMO_SET = max(recipe.since for recipe in DEMO_RECIPES)


@dataclass
class SeedResult:
    """What :func:`seed_demo_recipes` did: the files written (``rel`` paths in the folder) and
    one sentence for the user when something went wrong (else None)."""

    written: list[str] = field(default_factory=list)
    problem: str | None = None


def seed_demo_recipes(
    folder: Path, marker: Path | None = None, recipes: tuple[DemoRecipe, ...] = DEMO_RECIPES
) -> SeedResult:
    """Write the demo recipes into ``folder`` (the saved-requests folder) unless the marker says
    it was done before; then write the marker. Never raises."""
    marker = Path(marker) if marker is not None else paths.playground_file()
    read = storage.read_versioned_json(marker, kind=MARKER_KIND, current_version=MARKER_VERSION)
    status = read.status
    if status is storage.ReadStatus.UNREADABLE or status is storage.ReadStatus.NEWER:
        return SeedResult()  # a newer version (or the user) keeps it: nothing is done twice
    data = read.data or {}
    done = int(data.get("demoSet") or 1) if data.get("demoRecipes") else 0
    if status is storage.ReadStatus.CORRUPT:
        done = DEMO_SET
        log.warning("%s", read.message)
    result = SeedResult()
    if done < DEMO_SET:
        for recipe in recipes:
            if recipe.since <= done:
                continue  # written by an earlier start (and maybe deleted since)
            rel = f"{DEMO_FOLDER}/{file_name(recipe.name)}"
            path = Path(folder) / rel
            try:
                if path.exists():
                    continue  # the user's file of that name stays
                storage.atomic_write_bytes(path, to_bytes(recipe.spec()))
            except (OSError, ValueError) as exc:
                result.problem = (
                    f"The demo recipes could not be written to {folder} "
                    f"({getattr(exc, 'strerror', None) or exc})."
                )
                return result  # no marker: the next start tries again
            result.written.append(rel)
    try:
        storage.atomic_write_json(
            marker,
            {
                "kind": MARKER_KIND,
                "schemaVersion": MARKER_VERSION,
                "demoRecipes": True,
                "demoSet": max(done, DEMO_SET),
            },
        )
    except (OSError, ValueError) as exc:
        log.warning("the playground marker %s could not be written: %s", marker, exc)
    return result
