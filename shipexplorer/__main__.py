"""Entry point for ``python -m shipexplorer``."""

from shipexplorer.app import main

if __name__ == "__main__":
    raise SystemExit(main())
