"""The ``slow-job`` demo package: long-running work answered as a task.

The task's progress is computed from the clock (see :mod:`shipexplorer.emulator.tasks`); nothing
runs in the background.
"""

import json

from shipexplorer.emulator.envelopes import task_key
from shipexplorer.emulator.packages.base import ArgumentError, Package, method
from shipexplorer.emulator.tasks import Failure, Schedule

MAX_SECONDS = 24 * 3600.0
MAX_STEPS = 1000


class SlowJobPackage(Package):
    """Starts jobs that take a while, report their progress, and succeed or fail."""

    handle = "slow-job"
    description = "Starts a job that runs for a while in steps, then succeeds or fails."
    readme = (
        "# slow-job\n\n`start(seconds=3, steps=3, fail=false)` answers a task as plain JSON; "
        "poll it with `task/status`. It waits, runs `step i of n`, then succeeds with an "
        'output object or fails. `start_wrapped` answers the same task as `{"status": task}`.\n'
    )

    def _task(self, seconds: float, steps: int, fail: bool) -> dict:
        if not 0 <= seconds <= MAX_SECONDS:
            raise ArgumentError(f"seconds must be between 0 and {MAX_SECONDS:g}, got {seconds}.")
        if not 1 <= steps <= MAX_STEPS:
            raise ArgumentError(f"steps must be between 1 and {MAX_STEPS}, got {steps}.")
        wait = max(0.02, seconds * 0.2)
        schedule = Schedule(wait=wait, run=max(0.0, seconds - wait), steps=steps)
        failure = None
        if fail:
            failure = Failure(
                message=f"The slow job failed at step {steps} of {steps}, as requested.",
                suggestion="Start it again with fail=false.",
                code="SlowJobFailed",
            )
        output = {"result": "done", "seconds": seconds, "steps": steps, "completedSteps": steps}
        task = self.ctx.store.create_task(
            self.ctx.instance.workspace.id,
            schedule,
            output=output,
            failure=failure,
            input=json.dumps({"seconds": seconds, "steps": steps, "fail": fail}),
            task_type="infer",
        )
        return task.to_json(self.ctx.dialect)

    @method("start")
    def start(self, seconds: float = 3, steps: int = 3, fail: bool = False) -> dict:
        """Start a job of `seconds` in `steps` steps; answers the task as plain JSON.

        Poll it with task/status. With `fail`, it fails at the end with a message, a suggestion
        and a code.
        """
        return self._task(seconds, steps, fail)

    @method("start_wrapped")
    def start_wrapped(self, seconds: float = 3, steps: int = 3, fail: bool = False) -> dict:
        """Like `start`, but answers {"status": task}, as the engine does for its own tasks."""
        return {task_key(self.ctx.dialect): self._task(seconds, steps, fail)}
