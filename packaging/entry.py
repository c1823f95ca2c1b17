"""The frozen bundle's entry point: ``shipexplorer.app.main`` behind ``freeze_support``.

A child process started with multiprocessing's "spawn" method (the big-JSON parser is one) re-runs
the bundle's executable; ``freeze_support()`` turns that run into the child instead of a second
window. Outside a bundle it does nothing.

``SHIPEXPLORER_BUNDLE_CHECK=spawn`` makes the bundle start such a child and exit instead of opening
the window: CI's proof that children work in the bundle. ``SHIPEXPLORER_BUNDLE_CHECK=icons`` loads
the icon font as the window does and exits: the proof that the font's files are in the bundle.
``SHIPEXPLORER_BUNDLE_CHECK=emulator`` starts ``--local``'s emulator child as the window does (the
bundle's own executable, through its hidden ``emulator`` command), asks it once and stops it.
``SHIPEXPLORER_BUNDLE_CHECK=keyring`` stores, reads and deletes a key through the keyring's child
process (the hidden ``keyring`` command) as the window does.
"""

from __future__ import annotations

import multiprocessing
import os


def check_spawn() -> int:
    """Start a "spawn" child the way the app does and report; 0 when it worked."""
    try:
        from shipexplorer.core.documents.process_document import ProcessDocument
    except ImportError:  # no child-process module in this build: a bare child then
        context = multiprocessing.get_context("spawn")
        child = context.Process(target=os.getpid, daemon=True)
        child.start()
        child.join(30)
        print(f"spawn child exited with {child.exitcode}")
        return 0 if child.exitcode == 0 else 1
    document = ProcessDocument.open(data=b'{"bundle": [1, 2, 3]}')
    try:
        print(f"spawn child {document.pid} parsed a JSON body")
    finally:
        document.close()
    return check_pool()


def check_pool() -> int:
    """The shared worker processes (big answers up to 2 MB) in the bundle; 0 when they work."""
    try:
        from shipexplorer.core.documents import pool_jobs
        from shipexplorer.core.documents.process_pool import ProcessPool
    except ImportError:  # a build from before the pool
        return 0
    pool = ProcessPool(size=1)
    try:
        pid = pool.call(pool_jobs.worker_pid, timeout=60)
        print(f"pool worker {pid} answered")
    finally:
        pool.close()
    return 0 if pid != os.getpid() else 1


def check_icons() -> int:
    """Load the icon font as the window does (offscreen) and draw one icon; 0 when it worked."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication([])  # noqa: F841 (icons need the application object)
    from shipexplorer.ui.style import icons

    drawn = icons.icon("send").pixmap(16, 16)
    if not icons.loaded() or drawn.isNull():
        print("the icon font is missing from the bundle")
        return 1
    print("the icon font loaded and drew an icon")
    return 0


def check_emulator() -> int:
    """Start the ``--local`` emulator's child process as the window does; 0 when it answered."""
    import urllib.request

    from shipexplorer.emulator import DEMO_API_KEY
    from shipexplorer.emulator.child import EmulatorProcess

    os.environ.pop("SHIPEXPLORER_BUNDLE_CHECK", None)  # the child runs this executable too
    with EmulatorProcess(0) as emulator:
        request = urllib.request.Request(
            f"{emulator.api_base}account/current",
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            status = answer.status
    print(f"emulator child {emulator.pid} answered on {emulator.base_url} ({status})")
    return 0


def check_keyring() -> int:
    """Reach the keyring through its child process as the window does (the bundle's own
    executable, through its hidden ``keyring`` command); 0 when a secure keyring stored and
    gave back a key."""
    import uuid

    from shipexplorer.core.keyring_child import ChildKeyVault

    os.environ.pop("SHIPEXPLORER_BUNDLE_CHECK", None)  # the child runs this executable too
    vault = ChildKeyVault(timeout=20)
    verdict = vault.probe()
    if not verdict.secure:
        print(f"the keyring child found no secure keyring: {verdict.reason}")
        return 1
    profile, key = f"bundle-check-{uuid.uuid4().hex[:8]}", f"check-{uuid.uuid4().hex}"
    vault.set(profile, key)
    read_back = vault.get(profile)
    vault.delete(profile)
    vault.close()
    if read_back != key:
        print("the keyring child did not give the key back")
        return 1
    print(f"the keyring child stored and read a key in {verdict.backend}")
    return 0


if __name__ == "__main__":
    multiprocessing.freeze_support()
    if os.environ.get("SHIPEXPLORER_BUNDLE_CHECK") == "spawn":
        raise SystemExit(check_spawn())
    if os.environ.get("SHIPEXPLORER_BUNDLE_CHECK") == "icons":
        raise SystemExit(check_icons())
    if os.environ.get("SHIPEXPLORER_BUNDLE_CHECK") == "emulator":
        raise SystemExit(check_emulator())
    if os.environ.get("SHIPEXPLORER_BUNDLE_CHECK") == "keyring":
        raise SystemExit(check_keyring())
    from shipexplorer.app import main

    raise SystemExit(main())
