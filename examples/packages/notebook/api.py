"""An example Steamship package to develop against the local emulator.

Serve it from this folder with ``shipexplorer --local --serve examples/packages/notebook``
(its Python, with ``steamship==2.17.34``, in ``.venv`` here). It shows the four kinds of method a
package usually has:

- ``greet`` answers at once;
- ``count_to`` answers with a task at once and does its work later (``invoke_later``), which
  the explorer's task panel follows until ``count_now`` has run;
- ``save_note`` / ``read_note`` keep text in a Steamship file;
- ``remember`` / ``recall`` keep values in the workspace's key-value store.
"""

from typing import Any

from steamship import File, MimeTypes, Tag, Task
from steamship.invocable import PackageService, post
from steamship.utils.kv_store import KeyValueStore

STORE_NAME = "notebook-demo"


class NotebookPackage(PackageService):
    """Greets, counts in a task, keeps notes as files and values in a key-value store."""

    @post("greet")
    def greet(self, name: str = "world") -> str:
        """Say hello at once."""
        return f"Hello, {name}!"

    @post("count_to")
    def count_to(self, n: int = 5) -> Task:
        """Count to ``n`` in a task that runs after this call has answered."""
        return self.invoke_later("count_now", arguments={"n": n})

    @post("count_now")
    def count_now(self, n: int = 5) -> dict[str, Any]:
        """The counting itself (what ``count_to`` schedules)."""
        numbers = list(range(1, int(n) + 1))
        return {"numbers": numbers, "total": sum(numbers)}

    @post("save_note")
    def save_note(self, text: str, title: str = "note") -> dict[str, Any]:
        """Keep ``text`` in a new file tagged with its title; answer the file's id."""
        file = File.create(
            self.client,
            content=text,
            mime_type=MimeTypes.TXT,
            tags=[Tag(kind="title", name=title)],
        )
        return {"fileId": file.id, "title": title}

    # POST, not GET: the official CLI's local server hands GET arguments to the method as
    # lists (its own comment says the engine's proxy would fix them), so text arguments fail.
    @post("read_note")
    def read_note(self, file_id: str) -> str:
        """The text of a note kept by ``save_note``."""
        file = File.get(self.client, _id=file_id)
        return file.raw().decode("utf-8")

    @post("remember")
    def remember(self, key: str, value: str) -> dict[str, Any]:
        """Keep ``value`` under ``key`` in the workspace's key-value store."""
        KeyValueStore(self.client, STORE_NAME).set(key, {"value": value})
        return {"key": key, "value": value}

    @post("recall")
    def recall(self, key: str) -> dict[str, Any]:
        """The value kept under ``key`` (``{"value": null}`` when there is none)."""
        kept = KeyValueStore(self.client, STORE_NAME).get(key)
        return kept or {"value": None}
