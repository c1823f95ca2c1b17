"""The emulator's defaults that its users need without starting one: the demo key and port.

A module of its own, importing nothing, so that the window's process (which runs the ``--local``
emulator in a child process, :mod:`.child`) can name the demo key without loading the server.
"""

DEMO_API_KEY = "demo-key"
DEFAULT_PORT = 8765

__all__ = ["DEFAULT_PORT", "DEMO_API_KEY"]
