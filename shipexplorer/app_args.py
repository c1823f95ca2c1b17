"""The command line of the window app: its options and what each one does."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="shipexplorer", description="A desktop explorer for the Steamship API."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="print versions, Qt platform, keyring verdict and folders, then exit",
    )
    parser.add_argument(
        "--local",
        action="store_true",
        help="start the embedded Steamship emulator with demo packages and connect to it",
    )
    parser.add_argument(
        "--demo",
        "--present",
        dest="present",
        action="store_true",
        help="open in demo mode, for an audience (F11 toggles it)",
    )
    parser.add_argument(
        "--emulator-port",
        type=int,
        default=0,
        metavar="N",
        help="port for the --local emulator (default: a free port)",
    )
    parser.add_argument(
        "--serve",
        metavar="FOLDER",
        help="serve your package from FOLDER (steamship.json, api.py) against the --local "
        "emulator with the official CLI (implies --local)",
    )
    parser.add_argument(
        "--serve-python",
        metavar="PATH",
        default="",
        help="the Python that runs the --serve package (default: FOLDER/.venv/bin/python)",
    )
    args = parser.parse_args(argv)
    args.local = args.local or bool(args.serve)
    return args


__all__ = ["parse_args"]
