"""What the GUI process keeps at rest (services/lean_runtime.py): with the malloc arenas capped,
threads that allocate share two arenas instead of making one each (glibc only)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's malloc",
)

THREADS = r"""
import ctypes, os, sys, tempfile, threading
from shipexplorer.services.lean_runtime import limit_malloc_arenas

applied = limit_malloc_arenas() if sys.argv[1] == "limit" else False
barrier = threading.Barrier(7)
held = []

def work():
    held.append([bytes(4096) for _ in range(50)])  # above pymalloc's size: from malloc
    barrier.wait()
    barrier.wait()

threads = [threading.Thread(target=work) for _ in range(6)]
for thread in threads:
    thread.start()
barrier.wait()  # all six threads alive, each has allocated
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = os.path.join(tempfile.mkdtemp(), "malloc.xml")
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
barrier.wait()
for thread in threads:
    thread.join()
with open(path) as info:
    print(applied, info.read().count("<heap nr="))
"""


def arenas(mode: str) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", THREADS, mode], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    applied, count = done.stdout.split()
    return applied, int(count)


def test_threads_share_two_malloc_arenas_once_limited():
    assert arenas("limit") == ("True", 2)
    applied, count = arenas("default")
    assert applied == "False" and count > 2  # without the cap, each thread made its own
