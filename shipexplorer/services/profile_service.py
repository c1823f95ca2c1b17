"""Connection profiles for the window: the list, the current one, their keys, import and tests.

Composes the profile file (:mod:`.profiles`), the keys (:mod:`.credentials`), the import of what
users already have (:mod:`.steamship_import`) and the worker pool. Files and network run on the
pool; the GUI thread only keeps the list in memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from shipexplorer.api import ConnectionSettings, describe
from shipexplorer.core.profiles import Profile, ProfilesFile, ProfileStore
from shipexplorer.core.steamship_import import ImportCandidate, ImportScan, scan
from shipexplorer.services.credentials import CredentialService, check_key
from shipexplorer.services.workers import WorkerPool


class ProfileService(QObject):
    """The profiles the window offers and which one is selected.

    Signals:
        profilesChanged(): the list, or a profile in it, changed.
        currentChanged(str): the selected profile's name ("" when there is none).
        problem(str): something the user should read (a corrupt file moved aside, a failed save).
        connectionTested(str, bool, str): profile name, success, what to show.
        importsFound(object): an :class:`ImportScan` (on first start only when it found something).
    """

    profilesChanged = Signal()
    currentChanged = Signal(str)
    problem = Signal(str)
    connectionTested = Signal(str, bool, str)
    importsFound = Signal(object)

    def __init__(
        self,
        store: ProfileStore,
        credentials: CredentialService,
        pool: WorkerPool,
        *,
        home: Path | None = None,
        environ: Mapping[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._credentials = credentials
        self._pool = pool
        self._home = home
        self._environ = environ
        self._profiles: list[Profile] = []
        self._current: str | None = None
        self._import_offered = False
        self._read_only = False
        self._save_lock = threading.Lock()
        self._save_seq = 0
        self._saved_seq = 0
        # nothing is written before the file was read: a built-in profile selected early (the
        # local emulator's) must not replace the user's profiles with an empty list
        self._loaded = False
        self._persist_wanted = False

    # -- reading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the profile file (small: read here), select the saved profile, load its key, and
        offer an import on first start."""
        result = self._store.load()
        self._read_only = result.read_only
        builtins = [p for p in self._profiles if p.builtin]
        read = list(result.file.profiles)
        names = {p.name for p in read}
        # a profile saved before the file was read (its write waited for this) is kept
        early = [p for p in self._profiles if not p.builtin and p.name not in names]
        self._profiles = builtins + read + early
        self._import_offered = result.file.import_offered
        if result.problem:
            self.problem.emit(result.problem)
        self.profilesChanged.emit()
        wanted = self._current or result.file.selected
        if wanted is None or self.profile(wanted) is None:
            wanted = self._profiles[0].name if self._profiles else None
        self.select(wanted)
        self._loaded = True
        if self._persist_wanted:
            self._persist()
        if not self._import_offered:
            self.scan_imports(first_start=True)

    def profiles(self) -> list[Profile]:
        return list(self._profiles)

    def names(self) -> list[str]:
        return [p.name for p in self._profiles]

    def profile(self, name: str | None) -> Profile | None:
        return next((p for p in self._profiles if p.name == name), None)

    def current(self) -> Profile | None:
        return self.profile(self._current)

    def current_settings(self) -> ConnectionSettings | None:
        """The selected profile's settings with its key (when the key is loaded)."""
        profile = self.current()
        if profile is None:
            return None
        return profile.connection(self._credentials.key_for(profile.name))

    @property
    def read_only(self) -> bool:
        """True when the file on disk came from a newer shipexplorer: nothing is saved."""
        return self._read_only

    # -- changing -----------------------------------------------------------------------------

    def select(self, name: str | None) -> None:
        if name is not None and self.profile(name) is None:
            return
        changed = name != self._current
        self._current = name
        if name is not None and not self._credentials.has_key(name):
            profile = self.profile(name)
            if profile is not None and not profile.builtin:
                self._credentials.load_key(name)
        if changed:
            self.currentChanged.emit(name or "")
            self._persist()

    def add_builtin(self, profile: Profile, key: str | None, *, select: bool = True) -> None:
        """A profile that lives for this session only (the local emulator's), key in memory."""
        self._profiles = [p for p in self._profiles if p.name != profile.name]
        self._profiles.insert(0, profile)
        if key:
            self._credentials.set_session_key(profile.name, key)
        self.profilesChanged.emit()
        if select:
            self.select(profile.name)

    def save_profile(
        self, original: str | None, profile: Profile, key: str | None = None
    ) -> list[str]:
        """Add (``original`` None) or replace a profile; a non-empty ``key`` is stored too.

        Returns the problems that stopped it (nothing changed then), or an empty list.
        """
        problems = list(profile.problems())
        existing = self.profile(original) if original is not None else None
        if original is not None and existing is None:
            problems.append(f"There is no profile named {original!r} any more.")
        if existing is not None and existing.builtin:
            problems.append("The built-in profile cannot be changed.")
        clash = self.profile(profile.name)
        if clash is not None and clash is not existing:
            problems.append(f"A profile named {profile.name!r} exists already.")
        if key:
            key_problem = check_key(key)
            if key_problem:
                problems.append(key_problem)
        if self._read_only:
            problems.append("Profiles are read-only: they were saved by a newer shipexplorer.")
        if problems:
            return problems
        if existing is not None and existing.variables and not profile.variables:
            profile = replace(profile, variables=existing.variables)  # a form without them
        if existing is None:
            self._profiles.append(profile)
        else:
            self._profiles[self._profiles.index(existing)] = profile
            if original != profile.name:
                self._credentials.rename_key(original, profile.name)
                if self._current == original:
                    self._current = profile.name
                    self.currentChanged.emit(profile.name)
        if key:
            self._credentials.save_key(profile.name, key)
        self.profilesChanged.emit()
        self._persist()
        return []

    def set_variables(self, name: str, values: dict[str, str]) -> str | None:
        """Replace the variables of profile ``name`` (saved with it); a sentence when refused."""
        existing = self.profile(name)
        if existing is None:
            return f"There is no profile named {name!r} any more."
        if existing.builtin:
            return "The built-in profile keeps no variables: use the folder's or the request's."
        if self._read_only:
            return "Profiles are read-only: they were saved by a newer shipexplorer."
        self._profiles[self._profiles.index(existing)] = replace(existing, variables=dict(values))
        self.profilesChanged.emit()
        self._persist()
        return None

    def duplicate(self, name: str) -> str | None:
        """A copy named "<name> (copy)" (numbered when taken); its key is copied when loaded."""
        source = self.profile(name)
        if source is None:
            return None
        new_name = self.unique_name(f"{name} (copy)")
        copy = Profile(name=new_name, settings=source.settings)
        key = self._credentials.key_for(name)
        return new_name if not self.save_profile(None, copy, key) else None

    def delete(self, name: str) -> None:
        profile = self.profile(name)
        if profile is None or profile.builtin or self._read_only:
            return
        self._profiles.remove(profile)
        self._credentials.forget_key(name)
        self.profilesChanged.emit()
        if self._current == name:
            self._current = None
            self.select(self._profiles[0].name if self._profiles else None)
            if self._current is None:
                self.currentChanged.emit("")
        self._persist()

    def forget_key(self, name: str) -> None:
        self._credentials.forget_key(name)

    def unique_name(self, wanted: str) -> str:
        name, n = wanted, 2
        while self.profile(name) is not None:
            name = f"{wanted} {n}"
            n += 1
        return name

    # -- import ----------------------------------------------------------------------------------

    def scan_imports(self, *, first_start: bool = False) -> None:
        """Look for ~/.steamship.json and STEAMSHIP_* on the pool; emits ``importsFound``."""
        home = self._home if self._home is not None else Path.home()
        environ = dict(self._environ if self._environ is not None else os.environ)

        def found(result: ImportScan) -> None:
            if first_start:
                self._import_offered = True
                self._persist()
                if not result.candidates and not result.problems:
                    return
            self.importsFound.emit(result)

        self._pool.submit(
            lambda token, progress: scan(home, environ),
            on_result=found,
            on_error=lambda exc: self.problem.emit(f"Could not look for profiles: {exc}"),
            key="profiles-import-scan",
        )

    def import_candidates(self, candidates: list[ImportCandidate]) -> list[str]:
        """Add the chosen candidates as profiles (renamed when the name is taken); keys go to the
        keyring. Returns the names given, and reports refusals through ``problem``."""
        added = []
        for candidate in candidates:
            name = self.unique_name(candidate.profile.name)
            profile = Profile(name=name, settings=candidate.profile.settings)
            problems = self.save_profile(None, profile, candidate.api_key)
            if problems:
                self.problem.emit(f"Not imported {candidate.source}: {' '.join(problems)}")
            else:
                added.append(name)
        return added

    # -- connection test --------------------------------------------------------------------------

    def test_connection(self, profile: Profile, key: str | None = None) -> None:
        """Run ``account/current`` and the workspace lookup on the pool; ``key`` overrides the
        stored one (a key typed but not saved yet)."""
        settings = profile.connection(key or self._credentials.key_for(profile.name))
        if not settings.api_key:
            self.connectionTested.emit(profile.name, False, "No API key: type one and test again.")
            return

        def check(token, progress):
            from shipexplorer.api import check_connection  # loads httpx: on the worker

            return check_connection(settings, cancel=token)

        self._pool.submit(
            check,
            on_result=lambda report: self.connectionTested.emit(
                profile.name, True, report.summary()
            ),
            on_error=lambda exc: self.connectionTested.emit(profile.name, False, describe(exc)),
            key="profiles-test-connection",
        )

    # -- persistence ------------------------------------------------------------------------------

    def _persist(self) -> None:
        if self._read_only:
            return
        if not self._loaded:
            self._persist_wanted = True
            return
        self._save_seq += 1
        seq = self._save_seq
        snapshot = ProfilesFile(
            profiles=[p for p in self._profiles if not p.builtin],
            selected=None if (self.current() and self.current().builtin) else self._current,
            import_offered=self._import_offered,
        )

        def write(token, progress) -> None:
            # Saves may finish out of order on the pool: only a newer snapshot may overwrite.
            with self._save_lock:
                if seq < self._saved_seq:
                    return
                self._store.save(snapshot)
                self._saved_seq = seq

        self._pool.submit(
            write, on_error=lambda exc: self.problem.emit(f"Could not save the profiles: {exc}")
        )
