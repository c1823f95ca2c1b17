"""The ``agent`` demo package: answers in blocks, the way Steamship's agent packages do.

An agent's ``prompt`` answers a JSON list of blocks (the official client's ``Block``: ``id``,
``fileId``, ``text``, ``mimeType``, ``contentURL``, ...); ``answer`` answers the same under
``{"blocks": [...]}``. With ``seconds`` above 0, ``prompt`` answers a short task instead, as a
slow agent does: its progress messages say what the agent is doing ("Reading your question")
and its output is a chat reply's blocks (text, a markdown list, a picture). ``async_prompt``
answers ``{"task", "file"}`` (a streaming response: a task
whose output is the reply's blocks, and the chat file holding the prompt). Every block's content
is kept by the emulator and served by ``POST block/raw {"id"}`` with the block's MIME type:
text, markdown, a PNG image and a WAV sound.

Argument kinds are listed in the short spelling (``str``, ``Optional[str]``, ``int``).
"""

import json
from typing import Any

from shipexplorer.emulator.packages.base import ArgumentError, Package, method
from shipexplorer.emulator.packages.media import png, wav
from shipexplorer.emulator.tasks import Schedule

MAX_SECONDS = 600.0
MAX_PROMPT = 10_000


def _reply_items(prompt: str, image_size: int) -> list[tuple[str, str, bytes | None]]:
    """The reply's blocks as ``(text, mime type, bytes or None for the text itself)``."""
    text = (
        f"You asked: {prompt!r}. This answer comes in four blocks: this text, a markdown note, "
        "an image and a short sound."
    )
    markdown = (
        "## The answer, in markdown\n\n"
        f"> {prompt}\n\n"
        "| block | type |\n|---|---|\n| 1 | text/plain |\n| 2 | text/markdown |\n"
        "| 3 | image/png |\n| 4 | audio/wav |\n\n"
        'Fetch each block\'s content with `POST block/raw {"id": ...}`.\n'
    )
    return [
        (text, "text/plain", None),
        (markdown, "text/markdown", None),
        ("", "image/png", png(image_size, image_size)),
        ("", "audio/wav", wav(0.5, 440.0)),
    ]


#: what the agent's task says at each step (the progress messages a demo shows)
THINKING = ("Reading your question", "Looking for an answer", "Writing the answer")


def _chat_items(prompt: str) -> list[tuple[str, str, bytes | None]]:
    """A chat reply's blocks: a friendly answer, a short markdown list and a picture."""
    text = (
        f"You asked: “{prompt.strip()}”\n\nI am a pretend assistant running on this "
        "computer, so I cannot look anything up, but this is how a real answer arrives: in "
        "pieces, each shown as soon as it is ready."
    )
    markdown = (
        "**What just happened**\n\n"
        "1. Your question was sent to the assistant.\n"
        "2. It reported what it was doing while it worked.\n"
        "3. The answer came back as text, this list and a picture.\n"
    )
    return [
        (text, "text/plain", None),
        (markdown, "text/markdown", None),
        ("", "image/png", png(96, 64)),
    ]


class AgentPackage(Package):
    """A pretend chat agent whose answers are blocks: text, markdown, an image and a sound."""

    handle = "agent"
    description = "A pretend chat agent that answers in blocks (text, markdown, image, audio)."
    readme = (
        "# agent\n\n`prompt(prompt, context_id=None, image_size=32, seconds=0)` answers a list "
        "of blocks, as an agent package does (with `seconds`, a task that reports its progress "
        "and ends with a chat reply's blocks); `answer` answers them as "
        '`{"blocks": [...]}`; `async_prompt` answers `{"task", "file"}` whose task reports '
        "progress and ends with the blocks. "
        "`block/raw` serves each block's content with its MIME type.\n"
    )
    kind_spelling = "name"

    def _file_id(self, context_id: str | None) -> str:
        from shipexplorer.emulator.store import new_id, stable_id

        if context_id:
            return stable_id(f"chat-file:{self.ctx.instance.id}:{context_id}")
        return new_id()

    def _reply(
        self, prompt: str, context_id: str | None, image_size: int, *, chat: bool = False
    ) -> list[dict[str, Any]]:
        if not prompt.strip():
            raise ArgumentError("prompt must not be empty.")
        if len(prompt) > MAX_PROMPT:
            raise ArgumentError(f"prompt must be at most {MAX_PROMPT} characters long.")
        if not 1 <= image_size <= 256:
            raise ArgumentError(f"image_size must be between 1 and 256, got {image_size}.")
        items = _chat_items(prompt) if chat else _reply_items(prompt, image_size)
        blocks = self.ctx.store.create_blocks(
            self.ctx.instance.workspace.id, self._file_id(context_id), items
        )
        return [block.to_json() for block in blocks]

    # it declares a list of blocks, as an agent's prompt does; with `seconds` the engine-style
    # task answer takes its place
    @method("prompt", returns="<class 'list'>", returns_name="list")
    def prompt(
        self,
        prompt: str,
        context_id: str | None = None,
        image_size: int = 32,
        seconds: float = 0,
    ) -> Any:
        """Answer `prompt` with a list of blocks: text, markdown, a PNG image, a WAV sound.

        Each block's content comes from block/raw {"id"}; `image_size` is the image's side in
        pixels (1 to 256). With `seconds` above 0 (up to 600) it answers a task that runs that
        long, reports what it is doing, and ends with a chat reply's blocks.
        """
        if not seconds:
            return self._reply(prompt, context_id, image_size)
        if not 0 < seconds <= MAX_SECONDS:
            raise ArgumentError(f"seconds must be between 0 and {MAX_SECONDS:g}, got {seconds}.")
        blocks = self._reply(prompt, context_id, image_size, chat=True)
        wait = min(0.3, seconds * 0.1)
        task = self.ctx.store.create_task(
            self.ctx.instance.workspace.id,
            Schedule(wait=wait, run=seconds - wait, steps=len(THINKING), notes=THINKING),
            output=blocks,
            input=json.dumps({"prompt": prompt, "context_id": context_id}),
            task_type="infer",
        )
        return task.to_json(self.ctx.dialect)

    @method("answer")
    def answer(self, prompt: str, context_id: str | None = None, image_size: int = 32) -> dict:
        """Like `prompt`, but answers {"blocks": [...]}."""
        return {"blocks": self._reply(prompt, context_id, image_size)}

    @method("async_prompt")
    def async_prompt(self, prompt: str, context_id: str | None = None, seconds: float = 2) -> dict:
        """Answer {"task", "file"}: a task that reports its progress and ends with the blocks.

        The file is the chat the prompt was added to; `seconds` (0 to 600) is how long the task
        runs.
        """
        if not 0 <= seconds <= MAX_SECONDS:
            raise ArgumentError(f"seconds must be between 0 and {MAX_SECONDS:g}, got {seconds}.")
        blocks = self._reply(prompt, context_id, 32)
        file_id = blocks[0]["fileId"]
        (asked,) = self.ctx.store.create_blocks(
            self.ctx.instance.workspace.id, file_id, [(prompt, "text/plain", None)]
        )
        wait = max(0.02, seconds * 0.2)
        task = self.ctx.store.create_task(
            self.ctx.instance.workspace.id,
            Schedule(wait=wait, run=max(0.0, seconds - wait), steps=3),
            output=blocks,
            input=json.dumps({"prompt": prompt, "context_id": context_id}),
            task_type="infer",
        )
        return {
            "task": task.to_json(self.ctx.dialect),
            "file": {
                "id": file_id,
                "handle": f"chat-{context_id or file_id.lower()}",
                "workspaceId": self.ctx.instance.workspace.id,
                "mimeType": None,
                "tags": [],
                "blocks": [asked.to_json()],
            },
        }
