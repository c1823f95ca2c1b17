"""The ``greeter`` demo package: a configurable greeting, answered as text."""

from shipexplorer.emulator.packages.base import Package, method


class GreeterPackage(Package):
    """Greets people, as configured when the instance was created."""

    handle = "greeter"
    description = "Greets people by name; the greeting, punctuation and volume are configurable."
    readme = (
        "# greeter\n\n`greet(name)` answers `text/plain` such as `Hello, Ada!`.\n\n"
        "Config: `greeting` (default `Hello`), `punctuation` (`!`, `.` or `?`), "
        "`shout` (upper-cases the answer).\n"
    )
    config_template = {
        "greeting": {
            "type": "string",
            "default": "Hello",
            "description": "The word the greeting starts with.",
        },
        "punctuation": {
            "type": "string",
            "default": "!",
            "description": "How the greeting ends.",
            "options": ["!", ".", "?"],
        },
        "shout": {
            "type": "boolean",
            "default": False,
            "description": "Upper-case the whole greeting.",
        },
    }

    @method("greet", verbs=("GET", "POST"))
    def greet(self, name: str) -> str:
        """Greet someone: "<greeting>, <name><punctuation>", upper-cased when `shout` is set."""
        config = self.ctx.config
        text = f"{config['greeting']}, {name}{config['punctuation']}"
        return text.upper() if config["shout"] else text
