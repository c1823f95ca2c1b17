"""The Tree view's lazy model: qtmodeltester, batches, expansion, narrowing."""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, Qt

from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.ui.response.json_tree_model import (
    BATCH,
    INFO_ROLE,
    PATH_ROLE,
    JsonTreeModel,
    node_info,
)

VARIED = {
    "name": "shipexplorer",
    "count": 3,
    "ratio": 0.5,
    "ok": True,
    "nothing": None,
    "empty_object": {},
    "empty_array": [],
    "items": [1, "two", {"three": [3, [33, {"deep": "x"}]]}, [], {}],
    "b c": {"ü": "unicode", "0": "zero"},
}


def _model(value, matches=None) -> JsonTreeModel:
    model = JsonTreeModel()
    model.set_document(PyDocument(value))
    if matches is not None:
        model.set_matches(matches)
    return model


def _texts(model: JsonTreeModel, parent: QModelIndex | None = None, column: int = 0):
    parent = QModelIndex() if parent is None else parent
    return [model.index(r, column, parent).data() for r in range(model.rowCount(parent))]


# Each state gets a fresh model: the testers run their checks while ``modelReset`` is still being
# emitted, so rows that a synchronous fetchMore inserts then look like a change inside the reset.
def test_full_tree_passes_the_model_tester(qtmodeltester):
    qtmodeltester.check(_model(VARIED))


def test_full_tree_passes_the_python_model_tester(qtmodeltester):
    qtmodeltester.check(_model(VARIED), force_py=True)


def test_narrowed_tree_passes_the_model_tester(qtmodeltester):
    model = _model(VARIED, [("items", 2, "three"), ("name",), ("b c", "ü")])
    qtmodeltester.check(model)
    assert _texts(model) == ["$.items[2].three", "$.name", "$['b c']['ü']"]


def test_a_scalar_body_is_one_row(qtmodeltester):
    model = _model("just text")
    qtmodeltester.check(model)
    assert _texts(model) == ["$"]
    assert model.index(0, 1).data() == '"just text"'
    assert not model.hasChildren(model.index(0, 0))


def test_columns_show_key_value_type_and_size():
    model = _model(VARIED)
    assert model.rowCount() == 0 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert _texts(model)[:3] == ["name", "count", "ratio"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Key", "Value", "Type", "Size"]
    items = model.index(7, 0)
    row = [model.index(7, c).data() for c in range(4)]
    assert row == ["items", "[5 items]", "array", "5 items"]
    assert items.data(PATH_ROLE) == ("items",)
    assert items.data(INFO_ROLE).kind == "array"
    row = [model.index(0, c).data() for c in (1, 2, 3)]
    assert row == ['"shipexplorer"', "string", "12 characters"]
    assert model.index(7, 0).data(Qt.ItemDataRole.ToolTipRole) == "$.items"


def test_a_huge_array_loads_one_batch_at_a_time():
    model = _model(list(range(100_000)))
    root = QModelIndex()
    assert model.hasChildren(root) and model.rowCount(root) == 0
    model.fetchMore(root)
    assert model.rowCount(root) == BATCH
    assert model.index(BATCH - 1, 0).data() == f"[{BATCH - 1}]"
    model.fetchMore(root)
    assert model.rowCount(root) == 2 * BATCH
    assert model.index(2 * BATCH - 1, 1).data() == str(2 * BATCH - 1)
    assert model.canFetchMore(root)


def test_children_are_created_when_a_node_is_expanded():
    model = _model(VARIED)
    model.fetchMore(QModelIndex())
    items = model.index(7, 0)
    assert model.hasChildren(items) and model.rowCount(items) == 0
    assert model.canFetchMore(items)
    model.fetchMore(items)
    assert _texts(model, items) == ["[0]", "[1]", "[2]", "[3]", "[4]"]
    assert not model.canFetchMore(items)
    third = model.index(2, 0, items)
    model.fetchMore(third)
    assert _texts(model, third) == ["three"]
    assert model.parent(model.index(0, 0, third)) == third
    empty = model.index(5, 0)
    assert empty.data() == "empty_object" and not model.hasChildren(empty)


def test_the_tree_view_fetches_on_expand(qtbot):
    from shipexplorer.ui.response.json_tree_view import JsonTreeView

    view = JsonTreeView()
    qtbot.addWidget(view)
    view.tree_model.set_document(PyDocument({"big": list(range(2000)), "x": 1}))
    view.show()
    qtbot.waitUntil(lambda: view.tree_model.rowCount() == 2)
    big = view.tree_model.index(0, 0)
    assert view.tree_model.rowCount(big) == 0  # nothing below until expanded
    view.expand(big)
    qtbot.waitUntil(lambda: view.tree_model.rowCount(big) >= BATCH)
    assert view.tree_model.rowCount(big) < 2000


def test_set_matches_narrows_and_none_restores():
    model = _model(VARIED)
    model.fetchMore(QModelIndex())
    model.set_matches([("items", 2), ("count",)])
    assert model.is_narrowed()
    model.fetchMore(QModelIndex())
    assert _texts(model) == ["$.items[2]", "$.count"]
    narrowed = model.index(0, 0)
    model.fetchMore(narrowed)
    assert _texts(model, narrowed) == ["three"]  # a match is still expandable
    model.set_matches([])
    assert model.rowCount() == 0 and not model.hasChildren()
    model.set_matches(None)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == len(VARIED) and not model.is_narrowed()


def test_narrowed_rows_come_in_batches_too():
    model = _model(list(range(3000)), [(i,) for i in range(0, 3000, 2)])
    model.fetchMore(QModelIndex())
    assert model.rowCount() == BATCH
    assert model.index(1, 0).data() == "$[2]" and model.index(1, 1).data() == "2"


class _Queries:
    """Answers children later, as the pool does for big documents."""

    def __init__(self) -> None:
        self.waiting: list = []

    def children(self, doc, path, start, count, on_done, on_error=None):
        self.waiting.append(lambda: on_done(doc.children(path, start, count)))
        return _Handle()


class _Handle:
    cancelled = False

    def cancel(self) -> bool:
        self.cancelled = True
        return True


def test_late_answers_insert_rows_and_stale_ones_are_dropped():
    queries = _Queries()
    model = JsonTreeModel(queries)
    loading: list[bool] = []
    model.loadingChanged.connect(loading.append)
    model.set_document(PyDocument([1, 2, 3]))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 0 and model.is_loading()
    assert not model.canFetchMore(QModelIndex())  # one fetch at a time per node
    queries.waiting.pop()()
    assert model.rowCount() == 3 and loading == [True, False]
    model.set_document(PyDocument([1, 2]))
    model.fetchMore(QModelIndex())
    stale = queries.waiting.pop()
    model.set_document(PyDocument(["new"]))
    stale()  # the answer for the replaced document
    assert model.rowCount() == 0


def test_an_answer_after_the_model_was_deleted_is_dropped():
    import shiboken6

    queries = _Queries()
    model = JsonTreeModel(queries)
    model.set_document(PyDocument([1, 2, 3]))
    model.fetchMore(QModelIndex())
    late = queries.waiting.pop()
    shiboken6.delete(model)  # its tab closed while a worker was reading
    late()  # no "Signal source has been deleted"


def test_node_info_finds_object_members_through_children():
    class ChildrenOnly:
        synchronous = True

        def __init__(self, value) -> None:
            self.doc = PyDocument(value)

        def root(self):
            return self.doc.root()

        def children(self, path, start, count):
            return self.doc.children(path, start, count)

    doc = ChildrenOnly({"a": {f"k{i}": i for i in range(1200)}})
    assert node_info(doc, ("a", "k1100")).preview == "1100"
    assert node_info(doc, ()).kind == "object"


def test_a_child_process_document_answers_later_through_the_pool(qtbot, worker_pool, tmp_path):
    from shipexplorer.core.documents.json_document import open_document
    from shipexplorer.services.document_queries import DocumentQueries

    path = tmp_path / "big.json"
    value = {"items": [{"name": f"n{i}"} for i in range(1200)], "owner": "Ada"}
    path.write_text(json.dumps(value))
    doc = open_document(path=path, threshold=100)
    assert not doc.synchronous
    try:
        model = JsonTreeModel(DocumentQueries(worker_pool))
        model.set_document(doc)
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 0  # nothing waited for on this thread
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
        items = model.index(0, 0)
        model.fetchMore(items)
        qtbot.waitUntil(lambda: model.rowCount(items) == BATCH, timeout=5000)
        model.set_matches([("owner",), ("items", 1100, "name"), ("items", 7)])
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
        assert _texts(model) == ["$.owner", "$.items[1100].name", "$.items[7]"]
        assert _texts(model, column=1) == ['"Ada"', '"n1100"', "{1 key}"]
    finally:
        doc.close()
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)


def test_copy_value_path_and_pointer(qtbot):
    from PySide6.QtGui import QGuiApplication

    from shipexplorer.ui.response.json_tree_view import JsonTreeView

    view = JsonTreeView()
    qtbot.addWidget(view)
    view.tree_model.set_document(PyDocument({"a b": [{"c/d": 1}]}))
    view.show()
    qtbot.waitUntil(lambda: view.tree_model.rowCount() == 1)
    top = view.tree_model.index(0, 0)
    view.expand(top)
    qtbot.waitUntil(lambda: view.tree_model.rowCount(top) == 1)
    view.setCurrentIndex(view.tree_model.index(0, 0, top))
    messages: list[str] = []
    view.message.connect(messages.append)
    clipboard = QGuiApplication.clipboard()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert json.loads(clipboard.text()) == {"c/d": 1}
    view.copy_path_action.trigger()
    assert clipboard.text() == "$['a b'][0]"
    view.copy_pointer_action.trigger()
    assert clipboard.text() == "/a b/0"
    assert messages[-1] == "Copied the pointer /a b/0."


class _AsyncDocument:
    """A PyDocument that says it must be read on the pool."""

    synchronous = False

    def __init__(self, value) -> None:
        self.doc = PyDocument(value)

    def root(self):
        return self.doc.root()

    def children(self, path, start, count):
        return self.doc.children(path, start, count)


def _answer_all(queries: _Queries) -> int:
    answered = 0
    while queries.waiting:
        queries.waiting.pop(0)()
        answered += 1
    return answered


def test_narrowed_rows_of_a_pool_document_are_looked_up_in_few_reads():
    queries = _Queries()
    model = JsonTreeModel(queries)
    model.set_document(
        _AsyncDocument({"a": list(range(1000)), "o": {f"k{i}": i for i in range(1200)}})
    )
    model.set_matches([("a", i) for i in range(0, 1000, 4)] + [("o", "k1100"), ("o", "k5"), ()])
    model.fetchMore(QModelIndex())
    reads = _answer_all(queries)
    assert model.rowCount() == 253
    assert reads == 2 + 3 + 1  # items 0-499 and 500-999; k1100 in the third batch; k5 in the first
    assert _texts(model)[-3:] == ["$.o.k1100", "$.o.k5", "$"]
    assert model.index(1, 1).data() == "4"


def test_a_hidden_tree_view_loads_one_batch_and_a_scrolled_one_the_next(qtbot):
    """Qt asks a hidden view to fetch all it can: a 10,000-item answer would then arrive in
    twenty batches, each a relayout on the GUI thread. The view only wants more at its end."""
    from shipexplorer.ui.response.json_tree_view import JsonTreeView

    view = JsonTreeView()
    qtbot.addWidget(view)
    model = view.tree_model
    model.set_document(PyDocument(list(range(BATCH * 4))))
    if model.rowCount() == 0:
        model.fetchMore(QModelIndex())  # the first batch, even for a hidden view
    assert model.rowCount() == BATCH
    assert not model.canFetchMore(QModelIndex())  # hidden: no more
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    assert not model.canFetchMore(QModelIndex())  # shown at the top: no more
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 2 * BATCH, timeout=5000)
    assert model.rowCount() < 4 * BATCH
