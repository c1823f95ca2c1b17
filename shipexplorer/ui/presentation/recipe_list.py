"""What demo mode opens on: the demos, in big rows, and a chooser of any method.

Demos (recipes) are the saved requests marked as demos
(:func:`~shipexplorer.core.recipes.recipes_from`); each row shows its title and description.
Enter (or a double click, or "Open") opens the current one; "Next demo" (Ctrl+Right) opens the one
after it and Ctrl+Left the one before, so a presenter runs through them in order. Without demos a
friendly text says how to mark one; the chooser of a service and an action (from the
:class:`~shipexplorer.services.explorer.Explorer`) keeps the mode usable anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import PackageSpec
from shipexplorer.core.recipes import Recipe, recipes_from
from shipexplorer.ui.style import sheets
from shipexplorer.ui.style.metrics import space

NO_RECIPES = (
    "No demos yet. A demo is a saved request with a title and a short description: in the "
    "Saved requests panel, choose a request and use “Use as demo…”. Until then, pick a "
    "service and what to run below."
)

if TYPE_CHECKING:
    from shipexplorer.services.explorer import Explorer
    from shipexplorer.services.saved_requests import SavedRequests

PICK_HINT = "Or run something else:"
_RECIPE = Qt.ItemDataRole.UserRole


class RecipeList(QWidget):
    """The recipes and a method chooser.

    Signals:
        recipeChosen(object): a :class:`~shipexplorer.core.recipes.Recipe` to open.
        methodChosen(str, object): an instance handle and its ``MethodSpec`` to open.
        recipesChanged(): the recipes were read again (:meth:`recipes`).
    """

    recipeChosen = Signal(object)
    methodChosen = Signal(str, object)
    recipesChanged = Signal()

    def __init__(
        self,
        saved: SavedRequests | None = None,
        explorer: Explorer | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._saved = saved
        self._explorer = explorer
        self._recipes: list[Recipe] = []
        self._methods: dict[str, Any] = {}
        self._content_width = 10_000
        self.setAccessibleName("Demos and methods")
        self.heading = QLabel("Demos", self)
        self.heading.setAccessibleName("Demos heading")
        sheets.font_step(self.heading, "headline")
        self.empty_label = QLabel(NO_RECIPES, self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("How to add demos")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Demos")
        self.list.setAccessibleDescription("Enter opens the demo; Ctrl+Right opens the next one")
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.open_button = QPushButton("&Open demo", self)
        self.open_button.setAccessibleName("Open demo")
        self.open_button.clicked.connect(self.open_current)
        self.next_action = QAction("Next demo", self)
        self.next_action.setShortcut(QKeySequence("Ctrl+Right"))
        self.next_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.next_action.triggered.connect(self.open_next)
        self.addAction(self.next_action)
        self.next_button = QPushButton("&Next demo", self)
        self.next_button.setAccessibleName("Next demo")
        self.next_button.setToolTip("Open the next demo (Ctrl+Right)")
        self.next_button.clicked.connect(self.open_next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)

        self.pick_label = QLabel(PICK_HINT, self)
        self.pick_label.setAccessibleName("Method chooser heading")
        self.instance_combo = QComboBox(self)
        self.instance_combo.setAccessibleName("Service")
        self.instance_combo.setMinimumContentsLength(16)
        self.instance_combo.activated.connect(self._instance_picked)
        self.method_combo = QComboBox(self)
        self.method_combo.setAccessibleName("What to run")
        self.method_combo.setMinimumContentsLength(16)
        self.pick_button = QPushButton("O&pen it", self)
        self.pick_button.setAccessibleName("Open what was picked")
        self.pick_button.clicked.connect(self.open_method)
        chooser = QFormLayout()
        instance_label = QLabel("&Service", self)
        instance_label.setBuddy(self.instance_combo)
        method_label = QLabel("&What to run", self)
        method_label.setBuddy(self.method_combo)
        chooser.addRow(instance_label, self.instance_combo)
        chooser.addRow(method_label, self.method_combo)
        chooser.addRow("", self.pick_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addWidget(self.pick_label)
        layout.addLayout(chooser)

        if saved is not None:
            saved.changed.connect(self.refresh)
        if explorer is not None:
            explorer.instancesChanged.connect(self._instances_changed)
            explorer.methodsChanged.connect(self._methods_changed)
            self._instances_changed(explorer.instances())
        self.refresh()
        self.set_heading_scale(1.3)

    def set_content_width(self, width: float) -> None:
        """Keep the list and the chooser at most ``width`` pixels wide, centred (a wide screen
        shows a column, not rows across the whole screen)."""
        self._content_width = int(width)
        self._centre()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._centre()

    def _centre(self) -> None:
        side = max(space(2), (self.width() - self._content_width) // 2)
        self.layout().setContentsMargins(side, space(2), side, space(4))

    def set_heading_scale(self, factor: float) -> None:
        """Make the heading ``factor`` times the list's type size, bold."""
        font = QFont(self.font())
        font.setPointSizeF(max(1.0, self.font().pointSizeF() * factor))
        font.setWeight(QFont.Weight.Bold)
        self.heading.setFont(font)

    # -- recipes --------------------------------------------------------------------------------

    def recipes(self) -> list[Recipe]:
        return list(self._recipes)

    @Slot()
    def refresh(self) -> None:
        """Read the recipes again from the saved-requests store."""
        snapshot = self._saved.snapshot() if self._saved is not None else None
        recipes = recipes_from(snapshot)
        current = self.current_recipe()
        self._recipes = recipes
        self.list.clear()
        for recipe in recipes:
            text = recipe.title + (f"\n{recipe.description}" if recipe.description else "")
            item = QListWidgetItem(text)
            item.setData(_RECIPE, recipe)
            saved_as = recipe.rel.removesuffix(".json")
            item.setToolTip(f"Saved request “{saved_as}” · {recipe.subtitle}")
            self.list.addItem(item)
        has = bool(recipes)
        self.empty_label.setVisible(not has)
        self.list.setVisible(has)
        self.open_button.setVisible(has)
        self.next_button.setVisible(has)
        self.next_action.setEnabled(has)
        self.pick_label.setText(PICK_HINT if has else "Pick a service and what to run:")
        if has:
            rels = [r.rel for r in recipes]
            row = rels.index(current.rel) if current is not None and current.rel in rels else 0
            self.list.setCurrentRow(row)
        self.recipesChanged.emit()

    def current_recipe(self) -> Recipe | None:
        item = self.list.currentItem()
        return item.data(_RECIPE) if item is not None else None

    def select(self, rel: str) -> bool:
        """Make the recipe of file ``rel`` current (False when there is none)."""
        for row, recipe in enumerate(self._recipes):
            if recipe.rel == rel:
                self.list.setCurrentRow(row)
                return True
        return False

    @Slot()
    def open_current(self) -> None:
        recipe = self.current_recipe()
        if recipe is not None:
            self.recipeChosen.emit(recipe)

    @Slot()
    def open_next(self) -> Recipe | None:
        """Move to the next recipe (round to the first after the last) and open it."""
        if not self._recipes:
            return None
        row = self.list.currentRow()
        self.list.setCurrentRow((row + 1) % len(self._recipes) if row >= 0 else 0)
        recipe = self.current_recipe()
        if recipe is not None:
            self.recipeChosen.emit(recipe)
        return recipe

    def open_previous(self) -> Recipe | None:
        """Move to the previous demo (round to the last from the first) and open it."""
        if not self._recipes:
            return None
        row = self.list.currentRow()
        self.list.setCurrentRow((row - 1) % len(self._recipes) if row >= 0 else 0)
        recipe = self.current_recipe()
        if recipe is not None:
            self.recipeChosen.emit(recipe)
        return recipe

    @Slot(QListWidgetItem)
    def _activated(self, item: QListWidgetItem) -> None:
        recipe = item.data(_RECIPE)
        if recipe is not None:
            self.recipeChosen.emit(recipe)

    # -- the chooser ----------------------------------------------------------------------------

    @Slot(object)
    def _instances_changed(self, instances: list) -> None:
        current = self.instance_combo.currentData()
        self.instance_combo.clear()
        for instance in instances:
            if instance.handle:
                label = instance.handle
                if instance.package_handle and instance.package_handle != instance.handle:
                    label += f" ({instance.package_handle})"
                self.instance_combo.addItem(label, instance.handle)
        index = self.instance_combo.findData(current) if current else -1
        self.instance_combo.setCurrentIndex(max(0, index) if instances else -1)
        self._instance_picked(load=self.isVisible())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.method_combo.currentData() is None:
            self._instance_picked()

    def _instance_picked(self, _index: int = 0, *, load: bool = True) -> None:
        """Fill the methods of the chosen instance (asking the server only when ``load``: the
        chooser is on screen or was used; ``__dir__`` answers are cached)."""
        handle = self.instance_combo.currentData()
        self.method_combo.clear()
        if not handle or self._explorer is None:
            return
        instance = self._explorer.instance(handle)
        if instance is None:
            return
        spec = self._explorer.cached_methods(instance)
        if spec is not None:
            self._methods_changed(handle, spec)
        elif load:
            self.method_combo.addItem("Loading the methods…")
            self._explorer.load_methods(instance)

    @Slot(str, object)
    def _methods_changed(self, handle: str, package: PackageSpec) -> None:
        if handle != self.instance_combo.currentData():
            return
        self.method_combo.clear()
        for method in package.methods:
            if method.path.startswith("__"):
                continue  # __dir__ and friends are plumbing
            self.method_combo.addItem(method.path, method)

    @Slot()
    def open_method(self) -> None:
        handle = self.instance_combo.currentData()
        method = self.method_combo.currentData()
        if handle and method is not None:
            self.methodChosen.emit(handle, method)
