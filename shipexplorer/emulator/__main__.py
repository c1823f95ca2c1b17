"""``python -m shipexplorer.emulator``: the same as ``shipexplorer-emulator``."""

from shipexplorer.emulator.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
