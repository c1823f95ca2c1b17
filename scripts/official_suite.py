#!/usr/bin/env python3
"""Run the official Steamship client's own test suite against a fresh local emulator.

    python scripts/official_suite.py [--python PATH] [--files F ...] [--json] [--cache DIR]

The yardstick of issue 19: the ``tests/`` folder of the ``steamship==2.17.34`` sdist (written by
the Steamship team) runs unchanged against ``shipexplorer-emulator``.

1. ``pip download --no-binary :all: --no-deps steamship==2.17.34`` into the cache folder (once)
   and unpack it there.
2. Start an emulator in this process on 127.0.0.1, on a free port.
3. Run pytest with the official client's Python (``--python``, default
   ``$SHIPEXPLORER_STEAMSHIP_PYTHON``) in a throwaway ``HOME`` whose ``~/.steamship.json`` has the
   emulator as its top level and as profile ``test`` (the suite's ``get_steamship_client`` always
   asks for that profile); the ``STEAMSHIP_*`` variables are removed so that nothing overrides it.
   What the suite needs and that Python lacks (``pytest``, ``pytest-timeout``, ``sseclient-py``)
   is installed with that Python's pip into ``<cache>/pydeps`` and put on ``PYTHONPATH``: the
   client's own environment is never changed. Each test has 60 s (``--timeout``).
4. Print passed / failed / needs deployment / needs the network per file and the totals
   (``-v`` names the tests that did not pass; ``--json``: one JSON object).

"Needs deployment": a test that did not pass and that creates plugins or deploys packages
(``deploy_plugin``, ``Plugin.create``, ``PackageVersion.create``, ``use_plugin``...), which a
local emulator cannot run; its reason is the first such name found in the failure. "Needs the
network": a test that did not pass because it fetches something from the internet, which the
emulator never does (a block made from a URL, a PDF from a web site).

The exit status is 1 when a test of the files given with ``--files`` failed (needs-deployment
ones do not count), 2 when the suite could not be run at all, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VERSION = "2.17.34"
API_KEY = "official-suite-key"
TEST_ROOT = "tests/steamship_tests"
#: What the suite imports beyond the client (its requirements.dev.txt): package -> module.
NEEDS = {"pytest": "pytest", "pytest-timeout": "pytest_timeout", "sseclient-py": "sseclient"}
#: The files issue 19 wants green (relative to ``tests/steamship_tests``).
LISTED = (
    "data/test_workspace.py",
    "base/test_task.py",
    "client/test_task_dependencies.py",
    "data/test_file.py",
    "data/test_block.py",
    "data/tags",
    "utils/test_kv_store.py",
    "utils/test_signed_urls.py",
    "data/test_chat.py",
)
#: The tests of the listed files that cannot pass here, and why: with ``--files listed`` any
#: other test of those files that does not pass counts as failed, whatever it was sorted as.
LISTED_EXCUSED = {
    **{
        f"data/test_chat.py::{name}": "the chat history's embedding index is a plugin"
        for name in (
            "test_chat_create",
            "test_chat_append_system",
            "test_chat_append_user",
            "test_chat_history_clear",
            "test_chat_history_delete_some",
            "test_chat_history_delete_no_selector",
        )
    },
    "data/test_file.py::test_file_refresh": "deploys a blockifier plugin",
    "data/test_block.py::test_append_block_url": "fetches an image from docs.steamship.com",
}
_DEPLOYMENT = re.compile(
    r"deploy_plugin|deploy_package|steamship_use_plugin|steamship_use_skill|use_plugin|use_skill"
    r"|PluginInstance\.create|PluginVersion\.create|Plugin\.create|PackageVersion\.create"
    r"|Package\.create|plugin/instance/create|plugin/version/create|plugin/create"
    r"|package/version/create|package/create|generator_plugin|tagger_plugin|embedder"
    r"|Plugin\.\w+\(|PluginInstance\.\w+\(|\.blockify\(|plugin_instance="
)
#: The emulator never reaches out to the internet; a test that makes the engine fetch a URL fails
#: with this code.
_NETWORK = re.compile(
    r"NoNetwork|does not fetch content from URLs|NewConnectionError|Name or service not known"
    r"|Temporary failure in name resolution"
)
#: A real test account is never empty: test_list_workspace_paging reads only the pages that have
#: a next one, so it needs a workspace older than the three it makes. These are made first.
ACCOUNT_WORKSPACES = ("suite-older-1", "suite-older-2")


@dataclass
class FileResult:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    needs_deployment: dict[str, str] = field(default_factory=dict)
    needs_network: dict[str, str] = field(default_factory=dict)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shipexplorer" / "official-suite"


def fetch_sdist(python: str, cache: Path) -> Path:
    """The unpacked sdist's folder (downloaded and unpacked once per cache)."""
    unpacked = cache / f"steamship-{VERSION}"
    if (unpacked / TEST_ROOT).is_dir():
        return unpacked
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"steamship-{VERSION}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [python, "-m", "pip", "download", "-q", "--disable-pip-version-check",
             "--no-binary", ":all:", "--no-deps", f"steamship=={VERSION}", "-d", str(cache)],
            check=True,
        )  # fmt: skip
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return unpacked


def ensure_pydeps(python: str, cache: Path) -> tuple[Path, list[str]]:
    """A folder with what the suite needs that ``python`` lacks; what was installed there."""
    target = cache / "pydeps"
    env = {**os.environ, "PYTHONPATH": str(target)}
    missing = []
    for name, module in NEEDS.items():
        probe = subprocess.run([python, "-c", f"import {module}"], env=env, capture_output=True)
        if probe.returncode != 0:
            missing.append(name)
    if missing:
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--target", str(target), *missing],
            check=True,
        )  # fmt: skip
    return target, missing


def write_home(home: Path, api_base: str, app_base: str) -> None:
    profile = {"apiKey": API_KEY, "apiBase": api_base, "appBase": app_base}
    config = {**profile, "profiles": {"test": profile}}
    (home / ".steamship.json").write_text(json.dumps(config, indent=2))


def classify(junit: Path, tests_dir: Path) -> dict[str, FileResult]:
    """Per test file (relative to the suite's root): what passed, failed, needs deployment."""
    results: dict[str, FileResult] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        if not classname:  # a file that could not be collected
            classname, name = name, "(collection)"
        file, test_class = _file_of(classname, tests_dir)
        if test_class:
            name = f"{test_class}::{name}"
        result = results.setdefault(file, FileResult())
        problems = [el for el in case if el.tag in ("failure", "error")]
        if case.find("skipped") is not None and not problems:
            continue
        if not problems:
            result.passed.append(name)
            continue
        text = " ".join(f"{p.get('message', '')} {p.text or ''}" for p in problems)
        # What the test logged (a package handler run in-process logs its own errors there).
        text += " ".join(el.text or "" for el in case if el.tag in ("system-out", "system-err"))
        match = _DEPLOYMENT.search(text)
        network = _NETWORK.search(text)
        if network and not match:
            result.needs_network[name] = network.group(0)
        elif match:
            result.needs_deployment[name] = f"uses {match.group(0)}"
        else:
            result.failed.append(name)
    return dict(sorted(results.items()))


def _file_of(classname: str, tests_dir: Path) -> tuple[str, str]:
    """``tests.steamship_tests.data.test_file.TestX`` -> ``("data/test_file.py", "TestX")``."""
    parts = classname.split(".")
    while parts and parts[0] in ("tests", "steamship_tests"):
        parts = parts[1:]
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (tests_dir / candidate).is_file():
            return candidate, ".".join(parts[end:])
    return "/".join(parts), ""


def run_suite(
    python: str, cache: Path, files: list[str], timeout: float
) -> tuple[dict[str, FileResult], list[str], float]:
    """Run the suite (or ``files``) against a fresh emulator: results, installs, seconds."""
    from shipexplorer.emulator import Emulator

    sdist = fetch_sdist(python, cache)
    pydeps, installed = ensure_pydeps(python, cache)
    tests_dir = sdist / TEST_ROOT
    targets = [str(tests_dir / f) for f in files] if files else [str(tests_dir)]
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="official-suite-") as tmp,
        Emulator(port=0, api_keys=[API_KEY]) as emu,
    ):
        for handle in ACCOUNT_WORKSPACES:
            emu.store.create_workspace(handle)
        home = Path(tmp)
        write_home(home, emu.api_base, emu.base_url)
        junit = home / "junit.xml"
        env = {k: v for k, v in os.environ.items() if not k.startswith("STEAMSHIP_")}
        env.update(HOME=str(home), PYTHONPATH=str(pydeps), PYTHONDONTWRITEBYTECODE="1")
        cmd = [
            python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "timeout",
            f"--timeout={timeout:g}", "-o", "addopts=", "-o", "junit_logging=all",
            f"--junitxml={junit}", "--continue-on-collection-errors",
            "--rootdir", str(sdist), *targets,
        ]  # fmt: skip
        subprocess.run(
            cmd, cwd=sdist, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if not junit.exists():
            raise RuntimeError("pytest wrote no report: the suite could not be collected")
        results = classify(junit, tests_dir)
    return results, installed, time.monotonic() - started


def hold_listed(results: dict[str, FileResult]) -> None:
    """Count as failed every test of the listed files that does not pass unless it is excused."""
    for file, result in results.items():
        if not any(file == f or file.startswith(f + "/") for f in LISTED):
            continue
        for bucket in (result.needs_deployment, result.needs_network):
            for name in [n for n in bucket if f"{file}::{n}" not in LISTED_EXCUSED]:
                result.failed.append(f"{name} (expected to pass; sorted as: {bucket.pop(name)})")


def totals(results: dict[str, FileResult]) -> dict[str, int]:
    return {
        "passed": sum(len(r.passed) for r in results.values()),
        "failed": sum(len(r.failed) for r in results.values()),
        "needs_deployment": sum(len(r.needs_deployment) for r in results.values()),
        "needs_network": sum(len(r.needs_network) for r in results.values()),
    }


def print_table(results: dict[str, FileResult], seconds: float, verbose: bool) -> None:
    width = max([len(f) for f in results] + [10])
    print(f"{'file':<{width}}  passed  failed  deployment  network")
    for file, r in results.items():
        counts = (len(r.passed), len(r.failed), len(r.needs_deployment), len(r.needs_network))
        print(f"{file:<{width}}  {counts[0]:>6}  {counts[1]:>6}  {counts[2]:>10}  {counts[3]:>7}")
        if verbose:
            for name in r.failed:
                print(f"    FAILED {name}")
            for name, reason in r.needs_deployment.items():
                print(f"    needs deployment: {name} ({reason})")
            for name, reason in r.needs_network.items():
                print(f"    needs the network: {name} ({reason})")
    t = totals(results)
    total = sum(t.values())
    print(
        f"total: {total} tests, {t['passed']} passed, {t['failed']} failed, "
        f"{t['needs_deployment']} need deployment, {t['needs_network']} need the network "
        f"({seconds:.0f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python",
        default=os.environ.get("SHIPEXPLORER_STEAMSHIP_PYTHON"),
        help="the official client's Python (default: $SHIPEXPLORER_STEAMSHIP_PYTHON)",
    )
    parser.add_argument(
        "--files",
        nargs="+",
        metavar="F",
        help="test files or folders relative to tests/steamship_tests ('listed': issue 19's)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cache", type=Path, default=default_cache(), help="download folder")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per test")
    parser.add_argument("-v", "--verbose", action="store_true", help="name each failing test")
    args = parser.parse_args(argv)
    if not args.python:
        parser.error("give --python or set SHIPEXPLORER_STEAMSHIP_PYTHON")
    files = list(args.files or [])
    listed = "listed" in files
    if listed:
        files = [f for f in files if f != "listed"] + list(LISTED)
    try:
        results, installed, seconds = run_suite(args.python, args.cache, files, args.timeout)
    except (OSError, RuntimeError, subprocess.CalledProcessError, tarfile.TarError) as exc:
        print(f"official_suite: the suite could not be run: {exc}", file=sys.stderr)
        return 2
    if listed:
        hold_listed(results)
    if args.json:
        report = {
            "version": VERSION,
            "seconds": round(seconds, 1),
            "installed": installed,
            "totals": totals(results),
            "files": {f: asdict(r) for f, r in results.items()},
        }
        print(json.dumps(report, indent=2))
    else:
        if installed:
            print(f"installed for the suite (in {args.cache / 'pydeps'}): {', '.join(installed)}")
        print_table(results, seconds, args.verbose)
    return 1 if files and totals(results)["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
