"""The saved requests a run is given: files, or folders read in name order, with the variables
file of each request's folder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from shipexplorer.core import saved_files, variables
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.runner.connection import UsageError


@dataclass(frozen=True)
class Item:
    """One saved request to run: ``spec`` None when its file is broken (``error`` says why)."""

    path: Path
    label: str  # the path as given, for output ("saved/greet.json")
    spec: RequestSpec | None
    error: str | None = None
    folder_values: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name if self.spec is not None and self.spec.name else self.path.stem

    @property
    def group(self) -> str:
        return self.path.parent.name or "saved"


def collect(paths: Iterable[str]) -> tuple[list[Item], list[str]]:
    """The requests under ``paths`` (folders walked in name order, hidden names and the
    variables file skipped) and sentences about the folders' variables files."""
    items: list[Item] = []
    notes: list[str] = []
    folders: dict[Path, dict[str, str]] = {}

    def folder_values(folder: Path) -> dict[str, str]:
        if folder not in folders:
            read = variables.read_folder_file(folder)
            folders[folder] = read.values
            if read.problem:
                notes.append(read.problem)
        return folders[folder]

    for given in paths:
        path = Path(given)
        if path.is_dir():
            snapshot = saved_files.scan(path)
            for entry in sorted(snapshot.entries, key=lambda e: e.rel):
                file = path / entry.rel
                items.append(
                    Item(
                        file,
                        str(Path(given) / entry.rel),
                        entry.spec,
                        entry.error,
                        folder_values(file.parent),
                    )
                )
        elif path.is_file():
            entry = saved_files.load_entry(path, path.name)
            items.append(Item(path, given, entry.spec, entry.error, folder_values(path.parent)))
        else:
            raise UsageError(f"{given}: no such file or folder.")
    if not items:
        raise UsageError("No saved requests found in " + ", ".join(map(str, paths)) + ".")
    return items, notes
