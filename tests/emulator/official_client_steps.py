"""The step recorder both official-client scenarios use (they run as scripts in the client's own
virtual environment, with this folder first on ``sys.path``)."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any


def recorder(results: dict[str, Any]) -> Callable[[str, Callable[[], Any]], Any]:
    """``step(name, func)``: run ``func``, record ``{"ok": value}`` or ``{"error": {...}}`` under
    ``name`` in ``results``, and return the value (None after an error)."""
    from steamship import SteamshipError

    def step(name: str, func: Callable[[], Any]) -> Any:
        try:
            value = func()
        except SteamshipError as exc:
            results[name] = {
                "error": {
                    "type": type(exc).__name__,
                    "message": exc.message,
                    "code": exc.code,
                    "suggestion": exc.suggestion,
                }
            }
            return None
        except Exception as exc:
            results[name] = {
                "error": {
                    "type": type(exc).__name__,
                    "message": str(exc),
                    "trace": traceback.format_exc(),
                }
            }
            return None
        results[name] = {"ok": value}
        return value

    return step
