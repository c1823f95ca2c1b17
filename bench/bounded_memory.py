"""Bounded bodies (issue 14): the app's peak memory while a server sends too much.

A stdlib server in its own process answers every request with what its mode says: an endless
JSON body (chunked), a gzip bomb (1 GiB of zeros in about 1 MB) or a body announced as 2 GiB by
Content-Length (all of it sent if read). The app's services, as ``build_services`` makes them
with the default preferences (in-memory body limit 16 MB, spooled body limit 1 GB, spool
threshold 2 MB), meet each one through:

- the selected profile: the explorer's own listings, as soon as the profile is picked;
- typed operations, bodies held in memory: ``package/instance/list``, a ``task/status`` poll,
  ``__dir__`` and the connection check, each on the worker pool;
- a request from the runner, as Send does: streamed, spooled to disk past the threshold, the JSON
  opened in a child process.

Per case: how it ended (the typed error's title), the bytes of body received before it stopped
(for the request, its last progress report: at most 50 ms old), the time, the longest GUI stall
(60 Hz heartbeat), the app process's peak growth (Linux ``VmHWM`` after, reset through
``/proc/self/clear_refs`` before, minus ``VmRSS`` before) and the peak of its child processes
(their ``VmHWM``; the spare JSON process counts), against the goal: the limit that applies plus
100 MB. The baseline in the same run: a fresh process reading the bomb and the 2 GiB body with
bare ``httpx`` (no limit; the endless body is left out: it never ends).
Figures only: nothing passes or fails.

    python bench/bounded_memory.py [--no-baseline]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _proc import reset_peak, status

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MB = 1_000_000
GIB = 1024**3
GOAL_MARGIN = 100 * MB


# -- the server (its own process: ``python bench/bounded_memory.py --serve``) --------------------


def _bomb() -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    return b"".join([*(packer.compress(zeros) for _ in range(1024)), packer.flush()])


def serve() -> None:
    """Answer every request as the mode says; ``POST /_mode/<mode>`` changes it."""
    bomb = _bomb()
    mode = ["endless"]
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)

    def read_head(conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
                while len(rest) < length:
                    rest += conn.recv(65536)
        return head

    def answer(conn: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1].decode()
        if path.startswith("/_mode/"):
            mode[0] = path.rsplit("/", 1)[1]
            conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            return
        if mode[0] == "endless":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            block = b'[{"x": "' + b"y" * (1 << 20) + b'"},'
            chunk = b"%x\r\n%s\r\n" % (len(block), block)
            while True:
                conn.sendall(chunk)
        elif mode[0] == "bomb":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)
            )
            conn.sendall(bomb)
        else:  # "2gb"
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % (2 * GIB)
            )
            zeros = bytes(1 << 20)
            for _ in range(2 * GIB // len(zeros)):
                conn.sendall(zeros)

    def handle(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            while (head := read_head(conn)) is not None:
                answer(conn, head)

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


# -- measuring -------------------------------------------------------------------------------------


def children_peak(exclude: set[int]) -> int:
    """The summed VmHWM of this process's children (the server excluded)."""
    total = 0
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            for pid in (task / "children").read_text().split():
                if int(pid) not in exclude:
                    total += status("VmHWM", pid)
    return total


def mb(size: float) -> str:
    return f"{size / MB:,.0f} MB"


BASELINE = r"""
import json, sys, time, httpx
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
before = status("VmRSS")
start = time.perf_counter()
body = httpx.get(sys.argv[1], timeout=120).content
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "growth": status("VmHWM") - before, "size": len(body)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare httpx runs")
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    os.environ.setdefault("SHIPEXPLORER_HOME", tempfile.mkdtemp(prefix="shipexplorer-bench-"))

    from PySide6.QtWidgets import QApplication
    from responsiveness import Heartbeat, spin_until

    from shipexplorer.api import ConnectionSettings, InstanceRef, check_connection
    from shipexplorer.api.limits import body_limits
    from shipexplorer.app import AppContext, build_services, tune_runtime
    from shipexplorer.core.profiles import Profile

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    port = int(server.stdout.readline())
    base = f"http://127.0.0.1:{port}/"

    def set_mode(mode: str) -> None:
        urllib.request.urlopen(urllib.request.Request(base + "_mode/" + mode, method="POST"))

    app = QApplication([])
    tune_runtime(app)
    services = build_services(AppContext())
    limits = body_limits()
    runner = services.runner
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; server in its own process; limits: in memory "
        f"{mb(limits.memory)}, spooled {mb(runner.spool_limit or limits.spool)}, spool "
        f"threshold {mb(runner.spool_threshold)}"
    )
    settings = ConnectionSettings(
        api_base=base + "api/v1/", app_base=base, api_key="bench-key", workspace_handle="w"
    )

    def measure(name: str, limit: int, start, done) -> None:  # type: ignore[no-untyped-def]
        """Start a case with ``start()``, spin until ``done()`` returns its outcome."""
        import gc

        gc.collect()
        time.sleep(0.2)
        before = status("VmRSS")
        reset_peak()
        heartbeat = Heartbeat()
        began = heartbeat.start()
        start()
        outcome: list = []

        def ended() -> bool:
            if not outcome:
                outcome.extend(done() or ())
            return bool(outcome)

        spin_until(ended, 300)
        took = time.perf_counter() - began
        heartbeat.beat()  # the gap up to the end counts (and a quick case has one gap at least)
        stall = heartbeat.stop()[0]
        growth = max(0, status("VmHWM") - before)
        children = children_peak({server.pid})
        title, received = outcome
        print(
            f"{name:<34} {title:<22} {mb(received):>9} {took:6.2f}s {stall * 1e3:7.1f}ms "
            f"{mb(growth):>8} {mb(children):>8} {mb(limit + GOAL_MARGIN):>9} "
            f"{(growth + children) / (limit + GOAL_MARGIN):6.2f}"
        )

    def pool_case(call):  # type: ignore[no-untyped-def]
        box: list = []

        def start() -> None:
            services.pool.submit(
                lambda _token, _progress: call(),
                on_result=lambda _value: box.append(("answered", 0)),
                on_error=lambda exc: box.append(
                    (getattr(exc, "title", type(exc).__name__), getattr(exc, "received", 0))
                ),
            )

        return start, lambda: box[0] if box else None

    def runner_case():  # type: ignore[no-untyped-def]
        box: list = []
        received = [0]

        def progress(_rid: int, count: int, _total: int) -> None:
            received[0] = max(received[0], count)

        def failed(_rid: int, answer) -> None:  # type: ignore[no-untyped-def]
            box.append((answer.error_title or "error", received[0]))

        def finished(_rid: int, answer) -> None:  # type: ignore[no-untyped-def]
            box.append(("answered", received[0]))
            answer.close()

        def start() -> None:
            runner.progress.connect(progress)
            runner.failed.connect(failed)
            runner.finished.connect(finished)
            runner.send(InstanceRef(instance_handle="inst", workspace_handle="w"), "m", "{}")

        def done():  # type: ignore[no-untyped-def]
            if not box:
                return None
            runner.progress.disconnect(progress)
            runner.failed.disconnect(failed)
            runner.finished.disconnect(finished)
            return box[0]

        return start, done

    header = (
        f"{'case':<34} {'ended in':<22} {'received':>9} {'time':>7} {'stall':>9} "
        f"{'app peak':>8} {'children':>8} {'goal':>9} {'ratio':>6}"
    )
    settle: list[float] = []

    def pick() -> None:
        profile = Profile("bench", settings.replace(api_key=None), builtin=True)
        services.profiles.add_builtin(profile, "bench-key")
        services.start()
        settle.append(time.perf_counter() + 3.0)

    def explorer_error():  # type: ignore[no-untyped-def]
        if time.perf_counter() < settle[0]:
            return None
        return ("(explorer: see below)", 0)

    descriptions = {
        "endless": "an endless JSON body, chunked",
        "bomb": "a gzip bomb, 1 GiB of zeros in 1 MB",
        "2gb": "Content-Length: 2 GiB",
    }
    errors: list[str] = []
    services.explorer.errorChanged.connect(lambda _what, text: errors.append(text))
    client = services.clients.client_for(settings)  # as the explorer's (no limits of its own)

    def poll_task() -> object:
        return client.task_status("task-1")

    def methods() -> object:
        return client.describe(InstanceRef(instance_handle="i", workspace_handle="w"))

    try:
        for mode in ("endless", "bomb", "2gb"):
            set_mode(mode)
            print(f"\n{mode}: {descriptions[mode]}")
            print(header)
            if not settle:  # the explorer lists as soon as the profile is selected
                measure("select the profile (3 s)", limits.memory, pick, explorer_error)
                shown = [e for e in errors if e]
                print(f"  the explorer says: {shown[-1] if shown else '(nothing)'}")
            for name, call in (
                ("package/instance/list", client.instance_list),
                ("task/status poll", poll_task),
                ("__dir__", methods),
                ("connection check", lambda: check_connection(settings)),
            ):
                measure(name, limits.memory, *pool_case(call))
            measure("request (spooled path)", runner.spool_limit or limits.spool, *runner_case())
        if not args.no_baseline:
            print("\nbaseline: bare httpx in a fresh process, no limit")
            for mode in ("bomb", "2gb"):
                set_mode(mode)
                out = subprocess.run(
                    [sys.executable, "-c", BASELINE, base + "api/v1/x"],
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                if out.returncode:
                    print(f"{mode:<8} failed: {out.stderr.strip().splitlines()[-1]}")
                    continue
                row = json.loads(out.stdout)
                print(
                    f"{mode:<8} read {mb(row['size'])} in {row['seconds']:.2f}s, "
                    f"peak growth {mb(row['growth'])}"
                )
    finally:
        services.shutdown()
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
