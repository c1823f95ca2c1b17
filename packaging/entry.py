"""The frozen bundle's entry point: ``shipexplorer.app.main`` behind ``freeze_support``.

A child process started with multiprocessing's "spawn" method (the lazy parse of big JSON answers
may use one) re-runs the bundle's executable; ``freeze_support()`` turns that run into the child
instead of a second window. Outside a bundle it does nothing.
"""

from __future__ import annotations

import multiprocessing

from shipexplorer.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
