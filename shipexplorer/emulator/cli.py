"""``shipexplorer-emulator``: run the emulator alone until Ctrl-C or SIGTERM.

``--child`` (not in the help) is how the window's process runs it (:mod:`.child`): one JSON line
on stdout says it is ready (its port, the state's problem, the demo instances made) or why it
could not start, and it stops when its stdin closes (the app quit, or was killed).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence

from shipexplorer.emulator.defaults import DEFAULT_PORT, DEMO_API_KEY


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
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser


def listen_problem(port: int, error: OSError) -> str:
    """Why 127.0.0.1:``port`` could not be bound, in words for the user."""
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on 127.0.0.1 is already in use"
    if error.errno == errno.EACCES:
        return f"port {port} on 127.0.0.1 is not allowed here"
    return f"cannot listen on 127.0.0.1:{port} ({error.strerror or error})"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.child:
        return run_child(args)
    from shipexplorer.emulator.emulator import Emulator

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


def _report(message: dict[str, object]) -> None:
    """The child's one line to its parent (then stdout goes to stderr: nothing else reaches a
    pipe that the parent no longer reads)."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
    if sys.stderr is None:  # a windowed process has none: stdout stays as it is
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())


def run_child(args: argparse.Namespace) -> int:
    """Serve for the parent process: report ready (or the reason why not) as one JSON line, then
    serve until stdin closes, SIGTERM, or the parent is gone. Ctrl-C in the terminal is the
    parent's to handle: it stops this child by closing its stdin."""
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from shipexplorer.emulator.emulator import Emulator

        emulator = Emulator(
            port=args.port,
            api_keys=args.api_keys or [DEMO_API_KEY],
            user_handle=args.user_handle,
            dialect=args.dialect,
            state=args.state,
            seed_demo=args.demo,
        )
    except Exception as exc:  # reported to the parent, which shows it in words
        _report({"error": f"it could not be set up ({exc})"})
        return 1
    try:
        emulator.start()
    except OSError as exc:
        emulator.stop()
        _report({"error": listen_problem(args.port, exc)})
        return 1
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: done.set())
    _report(
        {
            "port": emulator.port,
            "pid": os.getpid(),
            "state_problem": emulator.state_problem,
            "seeded": [[i.package.handle, i.handle] for i in emulator.seeded],
        }
    )

    def watch_stdin() -> None:  # EOF: the parent closed it, or ended (even killed)
        # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read holds
        # its lock, and the interpreter aborts at exit when it cannot take that lock.
        with contextlib.suppress(OSError, ValueError):
            while os.read(stdin, 4096):
                pass
        done.set()

    stdin = sys.stdin.fileno()

    threading.Thread(target=watch_stdin, name="parent-watch", daemon=True).start()
    try:
        while not done.wait(0.5):
            if os.name == "posix" and os.getppid() != parent:  # orphaned: re-parented
                break
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
