#!/usr/bin/env python3
"""Write the README's screenshots by driving the real window on the local emulator.

    python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...] [--max-kb 150]
                                  [--theme system|light|dark]

The app's own pieces run in this process: the emulator on 127.0.0.1 with the playground's demo
instances, the demos (saved recipes) ``shipexplorer --local`` writes, the services and the window
as ``shipexplorer --local`` builds them, with ``SHIPEXPLORER_HOME`` in a temporary folder and an
in-memory keyring, so nothing of the user's is read, touched or shown. The window is driven as a
user would drive it (select an instance, fill the body, send) and every wait is an event-loop
wait with a deadline: a step that does not finish in time ends the run with a non-zero status.
``explorer-dark`` is the explorer picture again after the theme is switched to dark live (as
View ▸ Theme ▸ Dark does); the theme of ``--theme`` comes back after it.

Without a display the script runs itself again under ``xvfb-run`` (Debian: ``xvfb xauth``);
when that is missing it falls back to Qt's offscreen platform (``widget.grab()`` renders either
way). Before each picture the window's texts are searched for the emulator's demo key.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

XVFB_MARK = "SHIPEXPLORER_SCREENSHOTS_XVFB"
SIZE = (1280, 800)
#: the pictures, in the order they are made (the dark explorer right after the light one)
NAMES = (
    "explorer-greeter",
    "explorer-dark",
    "editor-error",
    "big-response-tree",
    "tasks",
    "presentation",
    "demo-chat",
)


class StepFailed(Exception):
    """A step did not put on screen what its picture is meant to show."""


class StepTimeout(StepFailed):
    """A step did not finish in time."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=root / "docs" / "screenshots")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="write only these pictures")
    parser.add_argument("--max-kb", type=int, default=150, help="size budget of one PNG")
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        default="light",
        help="the window's theme, as the Preferences set it (default: light)",
    )
    return parser.parse_args(argv)


def ensure_display(argv: list[str]) -> None:
    """Re-run under xvfb-run when there is no display; else pick the platform plugin."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb and not os.environ.get(XVFB_MARK):
        os.environ[XVFB_MARK] = "1"
        screen = f"-screen 0 {SIZE[0]}x{SIZE[1]}x24"  # full-screen views come out at SIZE
        command = [xvfb, "-a", "-s", screen, sys.executable, str(Path(__file__).resolve())]
        os.execv(xvfb, [*command, *argv])
    print(
        "screenshots: no display and no xvfb-run (apt-get install xvfb xauth): "
        "rendering offscreen instead",
        file=sys.stderr,
    )
    os.environ["QT_QPA_PLATFORM"] = "offscreen"


def install_memory_keyring() -> None:
    """Keys stay in this process: the user's keyring is neither read nor written."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.values: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.values.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.values[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.values.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())


def wait_until(predicate: Callable[[], object], seconds: float, what: str) -> None:
    """Turn the event loop until ``predicate()`` is true; StepTimeout after ``seconds``."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + seconds
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(40)
    timer.timeout.connect(loop.quit)
    timer.start()
    try:
        while not predicate():
            if time.monotonic() > deadline:
                raise StepTimeout(f"timed out after {seconds:g} s waiting for {what}")
            loop.exec()
    finally:
        timer.stop()


def settle(ms: int = 300) -> None:
    """Let layouts, repaints and short timers (titles, elapsed ticks) run once more."""
    start = time.monotonic()
    wait_until(lambda: time.monotonic() - start >= ms / 1000, ms / 1000 + 5, "the window to settle")


class Shooter:
    """Grabs widgets into small PNGs after checking that no key is on screen."""

    def __init__(self, out: Path, max_bytes: int, key: str) -> None:
        self.out = out
        self.max_bytes = max_bytes
        self.key = key
        self.written: list[tuple[Path, int, tuple[int, int]]] = []

    def check_no_key(self) -> None:
        """Stop before writing when the key shows anywhere, in any spelling the app masks."""
        from PySide6.QtWidgets import QApplication

        from shipexplorer.api.redact import holds_secret

        for top in QApplication.topLevelWidgets():
            if top.isVisible() and holds_secret(widget_texts(top), self.key):
                raise SystemExit(f"screenshots: the key shows in {top!r}; nothing written")

    def shoot(self, name: str, widget) -> Path:
        from PySide6.QtGui import QImage
        from PySide6.QtWidgets import QApplication

        settle()
        self.check_no_key()
        QApplication.processEvents()
        image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        if image.width() > SIZE[0]:  # a full-screen view on a wide display
            image = image.scaledToWidth(SIZE[0], mode=_smooth())
        path = self.out / f"{name}.png"
        for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
            shown = (
                image
                if scale == 1.0
                else image.scaledToWidth(round(image.width() * scale), mode=_smooth())
            )
            if not quantized(shown).save(str(path), "PNG", 0):
                raise SystemExit(f"screenshots: could not write {path}")
            if path.stat().st_size <= self.max_bytes:
                break
        self.written.append((path, path.stat().st_size, (shown.width(), shown.height())))
        return path


def quantized(image):
    """``image`` with its 256 most frequent colours (a window is mostly flat colours; the rest,
    antialiased text edges, map to the nearest of them): about a third of the PNG size."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    counts = Counter(memoryview(image.constBits()).cast("I"))
    # the design system's colours first: small coloured marks (icons, dots, badges) keep their hue
    table = list(dict.fromkeys(design_colours()))
    for rgb, _ in counts.most_common(256):
        if len(table) >= 256:
            break
        if 0xFF000000 | (rgb & 0xFFFFFF) not in table:
            table.append(0xFF000000 | (rgb & 0xFFFFFF))
    flags = Qt.ImageConversionFlag.ThresholdDither
    return image.convertToFormat(QImage.Format.Format_Indexed8, table, flags)


def design_colours() -> list[int]:
    """The semantic and syntax colours of the palette in use, as ARGB numbers."""
    from shipexplorer.ui.style import colors

    found = []
    for role in colors.ROLES:
        found += [colors.semantic(role).rgba(), colors.semantic_fill(role).rgba()]
    kinds = ("key", "string", "number", "literal", "punct", "variable")
    return found + [colors.syntax(kind).rgba() for kind in kinds]


def _smooth():
    from PySide6.QtCore import Qt

    return Qt.TransformationMode.SmoothTransformation


def widget_texts(root) -> str:
    """Every text a widget tree shows or announces: the tests' own reader (tests/canary.py)."""
    root_folder = str(Path(__file__).resolve().parents[1])
    if root_folder not in sys.path:
        sys.path.insert(0, root_folder)
    from tests.canary import widget_texts as read

    return read(root)


def visible_texts(root) -> str:
    """The texts a viewer reads in ``root``: labels, buttons, line and text edits on screen."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
        QWidget,
    )

    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            texts.append(widget.text())
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            texts.append(widget.toPlainText())
    return "\n".join(texts)


class Tour:
    """The app over the emulator, and the steps that put each picture on screen."""

    def __init__(self, home: Path, theme: str = "light") -> None:
        from dataclasses import replace

        from shipexplorer.app import AppContext, build_services, build_window
        from shipexplorer.emulator import DEMO_API_KEY, Emulator
        from shipexplorer.emulator.demo import DEMO_INSTANCES
        from shipexplorer.services import playground

        self.key = DEMO_API_KEY
        self.theme = theme
        self._mode = None  # demo mode, once a step opened it
        self._greeted = False  # the explorer picture's request was sent
        # the playground of ``shipexplorer --local``: its demo instances (greeter-1, ...,
        # agent-1) in ``default`` (no state file: they live as long as the run)...
        self.context = AppContext(emulator=Emulator(port=0, seed_demo=True).start())
        # home/environ point at the temporary folder: no ~/.steamship.json import is offered
        self.services = build_services(self.context, home=home, environ={})
        # ...and its demos, written into the (temporary) saved-requests folder as the first
        # ``--local`` start does, before the folder is first read
        seeded = playground.seed_demo_recipes(self.services.saved.root)
        if seeded.problem or not seeded.written:
            raise StepFailed(f"the demos were not written: {seeded.problem or 'none'}")
        prefs = self.services.preferences
        prefs.update(replace(prefs.current, theme=theme))  # as the Preferences dialog does
        self.window = build_window(self.context, self.services)
        self.window.resize(*SIZE)
        self.window.move(0, 0)
        self.window.show()
        self.services.start()
        count = len(DEMO_INSTANCES)
        wait_until(lambda: self.window.sidebar.model.rowCount() >= count, 20, "the instance list")
        self._wait_ready([handle for _, handle in DEMO_INSTANCES])

    def _wait_ready(self, handles: list[str]) -> None:
        """Until the list says every instance is ready (slow-init-1 takes a few seconds)."""
        from shipexplorer.ui.instances.instance_sidebar import instance_state

        explorer = self.services.explorer

        def ready() -> bool:
            found = [explorer.instance(handle) for handle in handles]
            return all(i is not None and instance_state(i) == "ready" for i in found)

        wait_until(ready, 30, "every demo instance to be ready")
        settle(100)

    def close(self) -> None:
        self.window.close()
        self.services.shutdown()
        self.context.shutdown()

    # -- driving ----------------------------------------------------------------------------

    def arrange(self, dock=None, dock_height: int = 0, request_height: int = 0) -> None:
        """Show only ``dock`` (as the View menu would), at ``dock_height``; the window at SIZE;
        the current tab's request part ``request_height`` high (-1: the response part folded
        away, as dragging the splitter down does)."""
        from PySide6.QtCore import Qt

        docks = self.window.docks
        for panel in (docks.task_panel, docks.history_panel, docks.saved_panel):
            if panel is not None:
                panel.setVisible(panel is dock)
        settle(100)  # the layout learns the docks' new minimum sizes first
        self.window.resize(*SIZE)
        settle(100)
        if dock is not None and dock_height:
            dock.raise_()
            self.window.resizeDocks([dock], [dock_height], Qt.Orientation.Vertical)
        if request_height:
            splitter = self.window.tabs.current().splitter
            total = sum(splitter.sizes())
            high = total if request_height < 0 else request_height
            splitter.setSizes([high, total - high])
        settle(100)
        if self.window.height() > SIZE[1] + 40:
            print(f"screenshots: the window grew to {self.window.height()} px", file=sys.stderr)

    def open(self, handle: str, method: str, body: str, *, new_tab: bool = True):
        """Select ``handle`` (in a new tab, as "+" then a click in the list), pick ``method``
        and type ``body``."""
        if new_tab:
            self.window.tabs.new_tab(blank=True)  # the click binds it: no copy of the last tab
        sidebar = self.window.sidebar
        wait_until(lambda: sidebar.select_handle(handle), 10, f"instance {handle}")
        tab = self.window.tabs.current()
        wait_until(lambda: tab.panel.method_combo.findText(method) >= 0, 10, f"{handle}'s methods")
        tab.panel.set_method(method)
        tab.panel.show_form(False)
        tab.panel.body_edit.setPlainText(body)
        return tab

    def send(self, tab, seconds: float = 20) -> None:
        self.window.send_request()
        wait_until(lambda: tab.running or tab.response.answer, 5, "the request to start")
        wait_until(lambda: not tab.running, seconds, f"the answer to {tab.panel.method()}")

    def greeter(self):
        tab = self.open("greeter-1", "greet", '{\n  "name": "Ada"\n}', new_tab=False)
        self.send(tab)
        wait_until(lambda: "Hello, Ada!" in tab.response.body_text(), 10, "the greeting")
        history = self.window.docks.history_panel
        wait_until(lambda: history.model.rowCount() >= 1, 10, "the history entry")
        tab.panel.show_form(True)
        self.arrange(history, 230, 230)
        self._greeted = True
        return self.window

    def explorer_dark(self):
        """The explorer picture again (made first when it was not), in the dark theme."""
        if not self._greeted:
            self.greeter()
        self.set_theme("dark")
        settle(300)  # icons made again, highlighters re-coloured
        return self.window

    def set_theme(self, choice: str) -> None:
        """Switch the theme live through the preferences, as View ▸ Theme does."""
        from dataclasses import replace

        from shipexplorer.core.theme_choice import wants_dark
        from shipexplorer.ui.style import theme

        prefs = self.services.preferences
        if prefs.current.theme != choice:
            prefs.update(replace(prefs.current, theme=choice))
        dark = wants_dark(choice, theme.system_is_dark())
        installed = theme.current()
        wait_until(
            lambda: installed is not None and installed.dark == dark, 10, f"the {choice} theme"
        )

    def restore_theme(self) -> None:
        """Back to the run's theme (``--theme``) when a step switched it."""
        if self.services.preferences.current.theme != self.theme:
            self.set_theme(self.theme)

    def editor_error(self):
        good = {
            "message": "Hello from the JSON editor",
            "tags": ["demo", "json"],
            "author": {"name": "Ada", "languages": ["en", "fr"]},
            "count": 3,
            "draft": False,
        }
        tab = self.open("echo-1", "echo", json.dumps(good, indent=2))
        self.send(tab)
        # a comma lost while editing: the editor says where, before anything is sent
        broken = json.dumps(good, indent=2).replace('  },\n  "count"', '  }\n  "count"')
        editor = tab.panel.body_edit
        editor.setPlainText(broken)
        wait_until(lambda: "line" in editor.problem(), 10, "the editor to flag the error")
        self.arrange(None, 0, 400)
        tab.panel.go_to_problem()
        editor.setFocus()
        return self.window

    def big_response(self):
        tab = self.open("faults-1", "big", '{"megabytes": 50}')
        self.send(tab, seconds=180)
        view = tab.response
        model = view.tree_view.tree_model
        wait_until(lambda: model.rowCount() > 0, 60, "the tree's first rows")
        view.views.setCurrentWidget(view.tree_view)
        first = model.index(0, 0)
        view.tree_view.expand(first)
        wait_until(lambda: model.rowCount(first) > 0, 30, "the first node's children")
        third = model.index(2, 0)
        view.tree_view.expand(third)
        wait_until(lambda: model.rowCount(third) > 0, 30, "the third node's children")
        view.tree_view.setCurrentIndex(model.index(0, 0, third))
        self.arrange(None, 0, 170)
        view.tree_view.setFocus()
        return self.window

    def tasks(self):
        tracker = self.services.tracker
        tab = self.open("slow-job-1", "start", "")
        bodies = [{"seconds": 20, "steps": 5}] * 4 + [{"seconds": 1, "steps": 2, "fail": True}] * 2
        for body in bodies:
            tab.panel.body_edit.setPlainText(json.dumps(body))
            self.send(tab)
        wait_until(lambda: len(tracker.tasks()) == len(bodies), 10, "six tracked tasks")

        def states() -> list[str]:
            return sorted(t.state for t in tracker.tasks())

        wait_until(
            lambda: states() == ["failed"] * 2 + ["running"] * 4, 15, "two failures, four running"
        )
        docks = self.window.docks
        panel = docks.task_panel
        # Undocked, as its title bar button does: the whole panel at window width.
        self.arrange()
        panel.setFloating(True)
        panel.show()
        panel.resize(SIZE[0], 720)
        panel.move(0, 0)
        settle(100)
        panel.splitter.setSizes([285, 435])
        failed = next(t for t in tracker.tasks() if t.state == "failed")
        wait_until(lambda: panel.select_task(failed.task_id), 5, "the failed task's row")
        wait_until(lambda: "failed" in panel.windowTitle(), 5, "the Tasks title")
        return panel

    def presentation(self):
        """Demo mode from the View menu, the playground's "A long job" demo opened, its "A job
        that fails" example clicked and run, until the card says it did not finish and why."""
        from shipexplorer.ui.presentation.task_progress_view import FAILED

        mode = self._demo("A long job")
        self._example(mode, "A job that fails")
        wait_until(lambda: json.loads(mode.body_text()).get("fail") is True, 5, "the example")
        wait_until(lambda: mode.form.isVisible(), 10, "the demo's inputs")
        mode.run_button.click()
        wait_until(lambda: mode.current_answer() is not None, 20, "the demo's answer")
        wait_until(lambda: not mode.is_running(), 30, "the job to end")
        progress = mode.progress
        if progress.state_label.text() != FAILED or not progress.failure_label.text():
            said = " / ".join(
                label.text()
                for label in (progress.state_label, progress.failure_label)
                if label.text()
            )
            raise StepFailed(f"the job did not end in a failure said in words ({said})")
        self._no_jargon(mode)
        return mode.window()

    def demo_chat(self):
        """Demo mode's chat with the playground's assistant (agent-1): an example question
        clicked, sent with Send, the answer's blocks all shown."""
        mode = self._demo("Chat with an assistant")
        chat = mode.chat
        wait_until(lambda: mode.card.is_chat(), 5, "the chat layout")
        question = "What is the weather like on Mars?"
        self._example(mode, question)
        wait_until(lambda: chat.input.text() == question, 5, "the question in the input line")
        chat.send_button.click()
        wait_until(lambda: chat.is_busy(), 5, "the question to be sent")
        wait_until(lambda: not chat.is_busy(), 30, "the assistant's answer")
        answer = chat.bubbles[-1]
        if answer.status.isVisible() or answer.stack is None:
            raise StepFailed(f"the assistant did not answer in blocks ({answer.status.text()})")

        def all_shown() -> bool:
            return all(part.layout().count() > 0 for part in answer.stack.parts)

        wait_until(all_shown, 20, "every block of the answer")
        self._no_jargon(mode)
        return mode.window()

    def _demo(self, title: str):
        """Demo mode (opened from the View menu the first time) showing the playground's demo
        titled ``title``; nothing still running behind it."""
        from shipexplorer.core.saved_files import file_name
        from shipexplorer.services.playground import DEMO_FOLDER, DEMO_RECIPES

        demo = next(recipe for recipe in DEMO_RECIPES if recipe.title == title)
        rel = f"{DEMO_FOLDER}/{file_name(demo.name)}"
        if self._mode is None or not self._mode.isVisible():
            for tab in self.window.tabs.tabs():  # nothing still running behind the audience view
                wait_until(lambda tab=tab: not tab.running, 30, "the tabs' requests")
            self.arrange()
            self._mode = self._open_presentation()
        mode = self._mode
        recipes = mode.recipe_list
        wait_until(lambda: recipes.refresh() or recipes.select(rel), 10, f"the demo {title!r}")
        recipes.open_current()
        wait_until(lambda: mode.title_label.text() == title, 10, f"the demo {title!r} open")
        return mode

    def _example(self, mode, caption: str) -> None:
        """Click the open demo's example button captioned ``caption``."""
        from shiboken6 import isValid

        def button():  # the card makes its buttons again once the method is known
            shown = (b for b in mode.card.example_buttons if isValid(b) and b.isVisible())
            return next((b for b in shown if b.text() == caption), None)

        wait_until(lambda: button() is not None, 10, f"the example {caption!r}")
        settle(100)
        button().click()

    def _no_jargon(self, mode) -> None:
        """The audience's view names no method, instance, argument, address or key."""
        shown = visible_texts(mode)
        for word in ("slow-job", "agent-1", "127.0.0.1", "http", "Traceback", '"fail"', "{"):
            if word in shown:
                raise StepFailed(f"demo mode shows {word!r}")

    def _open_presentation(self):
        """Presentation mode from the View menu; while the window has no such entry yet, the
        mode's widget over the same services, in a window of its own."""
        toggle = next(
            (a for a in self.window.view_menu.actions() if _is_demo_toggle(a.text())), None
        )
        if toggle is not None:
            toggle.trigger()
            mode = wait_for_widget("PresentationMode", 10)
            window = mode.window()
            if window.isFullScreen() and window.size() != window.screen().size():
                # full screen is the window manager's to do, and Xvfb runs none
                window.setGeometry(window.screen().geometry())
            return mode
        from shipexplorer.ui.presentation.presentation_mode import PresentationMode

        print("screenshots: no View menu entry for presentation mode: shown on its own")
        s = self.services
        mode = PresentationMode(s.explorer, s.runner, s.tracker, s.saved, s.queries)
        mode.setWindowTitle("shipexplorer — presentation")
        mode.resize(*SIZE)
        mode.move(0, 0)
        mode.show()
        mode.show_recipes()
        self._presentation = mode  # kept alive until the tour ends
        return mode


def _is_demo_toggle(text: str) -> bool:
    """The View menu's toggle of demo mode (named "Presentation mode" before)."""
    words = text.replace("&", "").lower()
    return "present" in words or "demo mode" in words


def wait_for_widget(class_name: str, seconds: float):
    """The visible widget of class ``class_name`` once it is shown."""
    from PySide6.QtWidgets import QApplication, QWidget

    found: list = []

    def look() -> bool:
        for top in QApplication.topLevelWidgets():
            for widget in [top, *top.findChildren(QWidget)]:
                if type(widget).__name__ == class_name and widget.isVisible():
                    found.append(widget)
                    return True
        return False

    wait_until(look, seconds, f"a {class_name} on screen")
    return found[0]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    ensure_display(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shipexplorer-shots-") as home:
        os.environ["SHIPEXPLORER_HOME"] = home
        install_memory_keyring()
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0]])
        app.setApplicationName("shipexplorer")
        try:
            tour = Tour(Path(home), args.theme)
        except StepFailed as exc:
            print(f"screenshots: the window did not come up: {exc}", file=sys.stderr)
            return 1
        shooter = Shooter(args.out, args.max_kb * 1024, tour.key)
        steps = {
            "explorer-greeter": tour.greeter,
            "explorer-dark": tour.explorer_dark,
            "editor-error": tour.editor_error,
            "big-response-tree": tour.big_response,
            "tasks": tour.tasks,
            "presentation": tour.presentation,
            "demo-chat": tour.demo_chat,
        }
        status = 0
        try:
            for name in args.only or NAMES:
                print(f"screenshots: {name}…", flush=True)
                try:
                    shooter.shoot(name, steps[name]())
                except StepFailed as exc:
                    print(f"screenshots: {name} failed, not written: {exc}", file=sys.stderr)
                    status = 1
                finally:
                    tour.restore_theme()  # explorer-dark switched it: the next step is as asked
        finally:
            tour.close()
        for path, size, (width, height) in shooter.written:
            print(f"  {path.name}: {width}x{height}, {size / 1024:.0f} kB")
        return status


if __name__ == "__main__":
    raise SystemExit(main())
