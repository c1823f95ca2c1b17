"""The agent package's ``prompt`` as a short task: progress messages that say what it does, then
a chat reply's blocks as the task's output; without ``seconds`` it answers blocks at once."""

from __future__ import annotations

import json
import time

from shipexplorer.api import SteamshipClient
from shipexplorer.core.documents.blocks import IMAGE, MARKDOWN, TEXT, find_blocks
from shipexplorer.emulator.packages.agent import THINKING
from tests.agent_support import agent_client


def _client(emulator) -> SteamshipClient:
    return agent_client(emulator)[1]


def test_prompt_with_seconds_answers_a_task_that_reports_progress_and_ends_in_blocks(emulator):
    with _client(emulator) as client:
        task = client.invoke("a", "prompt", {"prompt": "Hello?", "seconds": 0.6}).task
        assert task is not None and task.state in ("waiting", "running") and task.task_id
        seen: list[str] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status = client.task_status(task.task_id).value
            message = status.remote_status_message
            if message and message not in seen:
                seen.append(message)
            if status.state == "succeeded":
                break
            time.sleep(0.05)  # polling a live emulator over loopback, as a client does
        raw = status.raw
        assert raw["state"] == "succeeded"
        assert any(THINKING[0] in text for text in seen)
        assert seen[-1] == f"{THINKING[-1]} (step 3 of 3)"
        blocks = find_blocks(json.loads(raw["output"]))
        assert [b.kind for b in blocks.blocks] == [TEXT, MARKDOWN, IMAGE]
        assert "Hello?" in blocks.blocks[0].text


def test_prompt_without_seconds_still_answers_blocks(emulator):
    with _client(emulator) as client:
        answer = client.invoke("a", "prompt", {"prompt": "Hi"}).value.value
        assert isinstance(answer, list) and len(find_blocks(answer).blocks) == 4
