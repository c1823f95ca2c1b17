"""A writer killed (SIGKILL) at random points leaves every file either its old or its new content.

A driver process (``sys.executable``) forks writer processes that rewrite four files in turn through
``storage.atomic_write_bytes`` (sizes vary from a few bytes to 600 KB, so a kill lands in any phase:
temp file, write, fsync, rename), kills each after a random delay, and checks every file after each
kill. Forking from a small single-threaded driver keeps hundreds of kills within seconds. The same
driver with plain ``open(…, "wb")`` writes must find torn files, or the kills would prove nothing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shipexplorer.core import storage

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(__import__("os"), "fork"),
    reason="needs fork and SIGKILL (POSIX)",
)

DRIVER = r"""
import json, os, random, signal, sys, time, zlib
from pathlib import Path
from shipexplorer.core.storage import atomic_write_bytes

folder, kills, mode, seed = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
FILES = 4
rng = random.Random(seed)

def content(j, k):
    size = (k * 7919 + j * 104729) % 600_000 if k % 3 else (k % 50)
    body = bytes([(j * 31 + k) % 251]) * size
    head = f"{j}:{k}:{len(body)}:{zlib.crc32(body)}\n".encode()
    return head + body

def version(j, data):
    head, _, body = data.partition(b"\n")
    try:
        fj, k, size, crc = map(int, head.split(b":"))
    except ValueError:
        return None
    if fj != j or len(body) != size or zlib.crc32(body) != crc or data != content(j, k):
        return None
    return k

def plain_write(path, data):
    with open(path, "wb") as handle:
        for i in range(0, len(data), 65536):
            handle.write(data[i:i + 65536])

write = atomic_write_bytes if mode == "atomic" else plain_write
paths = [folder / f"file-{j}.bin" for j in range(FILES)]
current = [0] * FILES
for j, path in enumerate(paths):
    atomic_write_bytes(path, content(j, 0))

bad, mid_write, events = [], 0, 0
for round_ in range(kills):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer: rewrites the files in turn until killed
        os.close(read_fd)
        next_ = [c + 1 for c in current]
        j = round_ % FILES
        while True:
            os.write(write_fd, f"s {j} {next_[j]}\n".encode())
            write(paths[j], content(j, next_[j]))
            os.write(write_fd, f"d {j} {next_[j]}\n".encode())
            next_[j] += 1
            j = (j + 1) % FILES
    os.close(write_fd)
    time.sleep(rng.uniform(0.0005, 0.012))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with os.fdopen(read_fd, "rb") as pipe:
        log = pipe.read().decode().split()
    events += len(log) // 3
    if log and log[-3] == "s":
        mid_write += 1
    done = {j: current[j] for j in range(FILES)}
    for i in range(0, len(log) - 2, 3):
        if log[i] == "d":
            done[int(log[i + 1])] = int(log[i + 2])
    for j, path in enumerate(paths):
        try:
            found = version(j, path.read_bytes())
        except OSError as exc:
            found = None
        allowed = (done[j], done[j] + 1)
        if found not in allowed:
            bad.append({"round": round_, "file": j, "found": found, "allowed": allowed})
            atomic_write_bytes(path, content(j, done[j]))
            found = done[j]
        current[j] = found
temps = len([p for p in folder.iterdir() if p.name.startswith(".")])
print(json.dumps({"kills": kills, "bad": bad[:20], "badCount": len(bad),
                  "midWrite": mid_write, "events": events, "leftoverTemps": temps}))
"""


def run_driver(folder: Path, kills: int, mode: str, seed: int) -> dict:
    folder.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(folder), str(kills), mode, str(seed)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_killed_writers_leave_old_or_new_content(tmp_path, record_property):
    report = run_driver(tmp_path / "atomic", kills=300, mode="atomic", seed=7)
    record_property("kill_report", report)
    assert report["badCount"] == 0, report["bad"]
    # the kills really landed inside writes, in many of the rounds
    assert report["midWrite"] >= 100, report
    assert report["events"] > report["kills"], report
    # the kills left temporary files; the next start sweeps them (here: at any age)
    folder = tmp_path / "atomic"
    assert report["leftoverTemps"] > 0, report
    assert storage.sweep_temp_files(folder, max_age=0) == report["leftoverTemps"]
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_the_check_finds_torn_files_when_writes_are_not_atomic(tmp_path):
    report = run_driver(tmp_path / "plain", kills=60, mode="plain", seed=11)
    assert report["badCount"] > 0, report
