"""``shipexplorer-emulator``: run the emulator alone until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from shipexplorer.emulator.emulator import DEFAULT_PORT, DEMO_API_KEY, Emulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shipexplorer-emulator",
        description="A local Steamship-compatible server with demo packages (127.0.0.1 only).",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help=f"an accepted API key; repeatable (default {DEMO_API_KEY})",
    )
    parser.add_argument("--user-handle", default="demo-user", help="the user's handle")
    parser.add_argument(
        "--dialect",
        choices=["real", "seed"],
        default="real",
        help="task spelling: real (state/statusMessage) or seed (the public "
        "page's taskState/taskMessage)",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="keep workspaces, instances and tasks in this SQLite file across runs "
        "(default: in memory, forgotten at the stop)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="make one instance of each demo package in 'default' when the state is new",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    keys = args.api_keys or [DEMO_API_KEY]
    emulator = Emulator(
        port=args.port,
        api_keys=keys,
        user_handle=args.user_handle,
        dialect=args.dialect,
        verbose=not args.quiet,
        state=args.state,
        seed_demo=args.demo,
    )
    if emulator.state_problem:
        print(f"shipexplorer-emulator: {emulator.state_problem}", file=sys.stderr)
    try:
        emulator.start()
    except OSError as exc:
        print(
            f"shipexplorer-emulator: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr
        )
        emulator.stop()
        return 1
    done = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        done.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    print(f"shipexplorer emulator on {emulator.base_url} (port {emulator.port})")
    print(f"  api base:  {emulator.api_base}")
    print(f"  app base:  {emulator.base_url}  (also {emulator.app_base})")
    print(f"  api key{'s' if len(keys) > 1 else ''}:   {', '.join(keys)}")
    print(f"  user:      {args.user_handle}   dialect: {args.dialect}")
    print(f"  state:     {emulator.state_file or 'in memory'}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not done.wait(0.2):
            pass
    finally:
        emulator.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
