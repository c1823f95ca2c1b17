"""``shipexplorer run PATH... [--profile NAME | --local] [--var k=v ...] [--junit FILE]
[--timeout S]``: exit 0 when every check held, 1 when one failed, 2 on usage errors."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from shipexplorer.core import variables
from shipexplorer.runner import connection, report
from shipexplorer.runner.collect import collect
from shipexplorer.runner.connection import UsageError
from shipexplorer.runner.execute import Outcome, Sender, scope_for

PASSED, FAILED, USAGE = 0, 1, 2
INTERRUPTED = 130  # as a shell reports a command ended by SIGINT


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shipexplorer run",
        description=(
            "Run saved requests without a window: variables filled in, tasks waited for, checks "
            "judged. Exit status 0 when every check held, 1 when one failed, 2 on usage errors."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="saved request files or folders")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--profile", metavar="NAME", help="a saved profile (key from the keyring)")
    where.add_argument(
        "--local",
        action="store_true",
        help="the embedded emulator, with the state the app's --local keeps",
    )
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a variable over every other value (repeatable)",
    )
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML for CI")
    p.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="the longest one request (and its task, unless a check says longer) may take",
    )
    return p


def run(argv: Sequence[str], *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        args = parser().parse_args(list(argv))
    except SystemExit as exc:  # argparse printed the usage
        return USAGE if exc.code else PASSED
    try:
        overrides = dict(variables.parse_assignment(text) for text in args.var)
        if args.timeout is not None and not args.timeout > 0:
            raise UsageError("--timeout wants a number of seconds above 0.")
        items, notes = collect(args.paths)
        if args.local:
            target = connection.local()
        elif args.profile:
            target = connection.from_profile(args.profile)
        else:
            target = connection.from_environment()
    except (UsageError, ValueError) as exc:
        print(f"shipexplorer run: {exc}", file=err)
        return USAGE
    console = report.Console(out, keys=(target.key,))
    try:
        return _run_all(items, notes, target, overrides, args, console)
    except KeyboardInterrupt:
        console.line("Stopped (Ctrl+C); a task already started goes on running on the server.")
        return INTERRUPTED
    finally:
        target.close()


def _run_all(items, notes, target, overrides, args, console: report.Console) -> int:
    from shipexplorer.api.client import SteamshipClient

    for note in notes:
        console.line(note)
    console.line(f"Running {len(items)} saved request(s) against {target.label}.")
    results: list[tuple[str, Outcome]] = []
    captured: dict[str, str] = {}
    started = time.monotonic()
    with SteamshipClient(target.settings) as client:
        sender = Sender(client, timeout=args.timeout)
        for index, item in enumerate(items, start=1):
            if item.spec is None:
                outcome = Outcome(
                    item.name, problems=[f"{item.label} cannot be read: {item.error}"]
                )
            else:
                console.progress(index, len(items), item.name)
                scope = scope_for(
                    dict(target.variables), item.folder_values, captured, overrides, target.key
                )
                outcome = sender.run(
                    item.spec,
                    scope,
                    on_wait=lambda doing, i=index, n=item.name: console.progress(
                        i, len(items), n, f"task {doing}"
                    ),
                )
                captured.update(outcome.captured)
            console.result(outcome)
            results.append((item.group, outcome))
    seconds = time.monotonic() - started
    failed = [o for _g, o in results if not o.passed]
    console.line(f"{len(results) - len(failed)} passed, {len(failed)} failed in {seconds:.1f} s.")
    if args.junit:
        try:
            report.write_junit(Path(args.junit), results, seconds, console)
        except OSError as exc:
            console.line(f"The JUnit file {args.junit} could not be written: {exc.strerror}.")
            return USAGE
    return FAILED if failed else PASSED


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
