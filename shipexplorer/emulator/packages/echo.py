"""The ``echo`` demo package: answers with what it was sent."""

from typing import Any

from shipexplorer.emulator.packages.base import Package, method


class EchoPackage(Package):
    """Echoes its arguments back, for trying requests and checking what arrives."""

    handle = "echo"
    description = "Echoes its arguments back as JSON."
    readme = (
        "# echo\n\n`POST echo` answers its JSON body unchanged; `GET echo?a=1` answers the query "
        "arguments as an object of strings.\n"
    )

    @method("echo", verbs=("GET", "POST"))
    def echo(self, **body: Any) -> dict:
        """Return the JSON body unchanged (on GET: the query arguments as an object)."""
        return body
