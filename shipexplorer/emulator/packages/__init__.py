"""The emulator's demo packages, by handle."""

from shipexplorer.emulator.packages.agent import AgentPackage
from shipexplorer.emulator.packages.base import Package
from shipexplorer.emulator.packages.echo import EchoPackage
from shipexplorer.emulator.packages.faults import FaultsPackage
from shipexplorer.emulator.packages.greeter import GreeterPackage
from shipexplorer.emulator.packages.media import MediaPackage
from shipexplorer.emulator.packages.slow_init import BrokenInitPackage, SlowInitPackage
from shipexplorer.emulator.packages.slow_job import SlowJobPackage

CATALOGUE: dict[str, type[Package]] = {
    package.handle: package
    for package in (
        EchoPackage,
        GreeterPackage,
        SlowJobPackage,
        FaultsPackage,
        MediaPackage,
        AgentPackage,
        SlowInitPackage,
        BrokenInitPackage,
    )
}

__all__ = ["CATALOGUE", "Package"]
