"""DocumentQueries: document and text reads on the pool, answers on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QThread

from shipexplorer.core.documents.json_document import JsonDocument, PyDocument
from shipexplorer.core.documents.text_source import TextSource
from shipexplorer.services.document_queries import DocumentQueries


class SlowDocument(JsonDocument):
    """A non-synchronous document (as the child-process one is) over a PyDocument."""

    synchronous = False

    def __init__(self, value):
        self.inner = PyDocument(value)
        self.threads: list[QThread] = []

    def children(self, path, start, count):
        self.threads.append(QThread.currentThread())
        return self.inner.children(path, start, count)

    def value_json(self, path, *, indent=None, limit=10_000_000):
        return self.inner.value_json(path, indent=indent, limit=limit)

    def search(self, text, *, limit=10_000, cancel=None):
        return self.inner.search(text, limit=limit, cancel=cancel)

    def query(self, expression, *, limit=10_000, cancel=None):
        return self.inner.query(expression, limit=limit, cancel=cancel)


def collect(qtbot, start):
    got: list = []
    start(got.append)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=5000)
    return got[0]


def test_children_of_an_in_memory_document_come_at_once(worker_pool):
    queries = DocumentQueries(worker_pool)
    got = []
    handle = queries.children(PyDocument({"a": 1, "b": 2}), (), 0, 10, got.append)
    assert handle is None and [n.key for n in got[0]] == ["a", "b"]


def test_children_of_a_worker_document_run_on_the_pool(qtbot, worker_pool):
    queries = DocumentQueries(worker_pool)
    doc = SlowDocument({"a": [1, 2, 3]})
    nodes = collect(qtbot, lambda done: queries.children(doc, ("a",), 1, 5, done))
    assert [n.path for n in nodes] == [("a", 1), ("a", 2)]
    assert doc.threads and doc.threads[0] is not QThread.currentThread()


def test_search_query_and_value(qtbot, worker_pool):
    queries = DocumentQueries(worker_pool)
    doc = SlowDocument({"items": [{"name": "Ada"}, {"name": "Bob"}]})
    assert collect(qtbot, lambda d: queries.search(doc, "bob", d)) == [("items", 1, "name")]
    assert collect(qtbot, lambda d: queries.query(doc, "$.items[0]", d, print)) == [("items", 0)]
    assert collect(qtbot, lambda d: queries.value_json(doc, ("items", 0), d)) == '{"name": "Ada"}'


def test_bad_filter_reaches_on_error_in_words(qtbot, worker_pool):
    queries = DocumentQueries(worker_pool)
    errors = collect(qtbot, lambda e: queries.query(PyDocument([]), "$[?", lambda _: None, e))
    assert errors.startswith("The filter is not valid JSONPath")


def test_a_new_search_supersedes_the_last(qtbot, worker_pool):
    queries = DocumentQueries(worker_pool)
    doc = PyDocument({"k": "v"})
    first = queries.search(doc, "k", lambda _: None)
    second = queries.search(doc, "v", lambda _: None)
    assert first.cancelled
    qtbot.waitUntil(lambda: second.done, timeout=5000)


def test_text_find_and_count(qtbot, worker_pool):
    queries = DocumentQueries(worker_pool)
    source = TextSource.from_bytes(b"alpha\nbeta\nalphabet")
    assert collect(qtbot, lambda d: queries.text_find(source, "ALPHA", 1, False, d)) == (2, 0)
    assert collect(qtbot, lambda d: queries.text_find(source, "beta", 2, True, d)) == (1, 0)
    assert collect(qtbot, lambda d: queries.text_count(source, "a", d)) == 5
