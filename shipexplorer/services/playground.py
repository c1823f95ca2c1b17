"""The ``--local`` playground's demo recipes, written once into the saved-requests folder.

The first ``--local`` start writes a few recipes (saved requests marked for presentation mode)
that call the demo instances the emulator makes in ``default`` (``greeter-1``, ``echo-1``,
``slow-job-1``, ``media-1``: see :mod:`shipexplorer.emulator.demo`). Each names its workspace
and instance, so it runs whatever workspace the window shows. They go in a ``Local playground``
group of the folder; a file of that name that is already there is never replaced.

A small marker (``playground.json`` in the data folder, :func:`~.paths.playground_file`) says that
it was done, so recipes a user deleted stay deleted. No Qt objects: the function runs on a worker
(with the emulator's start) and never raises.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from shipexplorer.core import storage
from shipexplorer.core.recipes import as_recipe
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

    def spec(self) -> RequestSpec:
        request = RequestSpec(
            name=self.name,
            instance=self.instance,
            workspace=DEMO_WORKSPACE,
            method=self.method,
            verb=self.verb,
            body=json.dumps(self.body, indent=2, ensure_ascii=False),
            notes="A demo recipe of the local playground (shipexplorer --local).",
        )
        return as_recipe(request, self.title, self.description)


DEMO_RECIPES: tuple[DemoRecipe, ...] = (
    DemoRecipe(
        "1 Greet someone",
        "Greet someone",
        "The greeter package answers a line of text. Change the name and run it again.",
        "greeter-1",
        "greet",
        {"name": "Ada"},
    ),
    DemoRecipe(
        "2 Echo a message",
        "Echo a message",
        "The echo package answers exactly what it was sent, as JSON.",
        "echo-1",
        "echo",
        {"message": "Hello from the local playground", "tags": ["demo", "local"], "count": 3},
    ),
    DemoRecipe(
        "3 A long job",
        "A long job",
        "The slow-job package starts a task that runs in steps; its progress shows as it goes.",
        "slow-job-1",
        "start",
        {"seconds": 6, "steps": 3, "fail": False},
    ),
    DemoRecipe(
        "4 An image",
        "An image",
        "The media package answers a picture rather than text.",
        "media-1",
        "image",
        {"size": 128},
    ),
)


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
    done_before = status is storage.ReadStatus.CORRUPT or bool((read.data or {}).get("demoRecipes"))
    if status is storage.ReadStatus.CORRUPT:
        log.warning("%s", read.message)
    result = SeedResult()
    if not done_before:
        for recipe in recipes:
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
            marker, {"kind": MARKER_KIND, "schemaVersion": MARKER_VERSION, "demoRecipes": True}
        )
    except (OSError, ValueError) as exc:
        log.warning("the playground marker %s could not be written: %s", marker, exc)
    return result
