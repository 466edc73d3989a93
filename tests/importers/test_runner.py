"""run_import: idempotent re-imports, updates, and resuming an interrupted import."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.collection import Collection, create_collection
from vitrine.importers.base import Source, SourceItem, run_import
from vitrine.importers.tabular import TabularSource
from vitrine.records import Record


class CountingSource(Source):
    """`n` records r0000...; optionally interrupted (Ctrl-C) when about to yield item `stop_at`."""

    kind = "counting"

    def __init__(self, n: int, stop_at: int | None = None, bad: frozenset[int] = frozenset()) -> None:
        self.n, self.stop_at, self.bad = n, stop_at, bad
        self.read_from: int | None = None
        self.yielded: list[int] = []

    def key(self) -> str:
        return "memory://counting"

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        start = 0 if cursor is None else int(cursor) + 1
        self.read_from = start
        for i in range(start, self.n):
            if i == self.stop_at:
                raise KeyboardInterrupt
            self.yielded.append(i)
            if i in self.bad:
                yield SourceItem(item=f"item {i}", error="the catalogue entry is unreadable", cursor=str(i))
            else:
                yield SourceItem(item=f"item {i}", record=Record(identifier=f"r{i:04d}", title=f"T{i}"),
                                 cursor=str(i))


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    with create_collection(tmp_path / "c", embedder="fake", index="memory") as c:
        yield c


def test_re_import_changes_nothing(collection: Collection) -> None:
    first = run_import(collection, CountingSource(30))
    assert (first.added, first.updated, first.unchanged, first.failed) == (30, 0, 0, 0)
    second = run_import(collection, CountingSource(30))
    assert (second.added, second.updated, second.unchanged, second.resumed) == (0, 0, 30, False)
    assert collection.catalog.count() == 30


def test_a_modified_row_is_updated_and_its_dropped_image_reported(
    collection: Collection, tmp_path: Path,
) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text("id,title,file\na,Alpha,a1.png|a2.png\nb,Beta,b.png\n")
    run_import(collection, TabularSource(csv))
    kept, dropped = (i.id for i in collection.catalog.images_of("a"))
    csv.write_text("id,title,file\na,Alpha (recto),a1.png\nb,Beta,b.png\n")
    report = run_import(collection, TabularSource(csv))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert report.removed_images == [dropped]
    assert collection.catalog.get("a").title == "Alpha (recto)"
    assert [i.id for i in collection.catalog.images_of("a")] == [kept]  # the kept image keeps its id


def test_bad_items_are_reported_and_the_rest_imported(collection: Collection) -> None:
    report = run_import(collection, CountingSource(10, bad=frozenset({3, 7})))
    assert (report.added, report.failed) == (8, 2)
    assert report.errors == [("item 3", "the catalogue entry is unreadable"),
                             ("item 7", "the catalogue entry is unreadable")]


def test_an_interrupted_import_resumes_from_its_cursor(collection: Collection) -> None:
    n = 650
    with pytest.raises(KeyboardInterrupt):
        run_import(collection, CountingSource(n, stop_at=530))
    committed = collection.catalog.count()
    assert 0 < committed <= 530
    again = CountingSource(n)
    report = run_import(collection, again)
    assert report.resumed
    assert again.read_from == committed  # nothing before the cursor is read again
    assert again.yielded[0] == committed and again.yielded[-1] == n - 1
    assert collection.catalog.count() == n
    assert report.added == n and report.unchanged == 0  # counts cover the whole (resumed) run
    assert not run_import(collection, CountingSource(n)).resumed


def test_a_killed_csv_import_resumes_where_it_stopped(tmp_path: Path) -> None:
    csv = tmp_path / "big.csv"
    csv.write_text("id,title\n" + "".join(f"r{i:05d},Title {i}\n" for i in range(3000)))
    create_collection(tmp_path / "c", embedder="fake", index="memory").close()
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from vitrine.collection import open_collection
        from vitrine.importers.base import run_import
        from vitrine.importers.tabular import TabularSource
        def progress(p):
            if p.done >= 1000:
                os.kill(os.getpid(), signal.SIGKILL)
        run_import(open_collection(Path({str(tmp_path / 'c')!r})), TabularSource({str(csv)!r}), progress)
    """)
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ}, timeout=120)
    assert done.returncode == -9
    from vitrine.collection import open_collection

    with open_collection(tmp_path / "c") as collection:
        committed = collection.catalog.count()
        assert 1000 <= committed < 3000
        source = TabularSource(csv)
        report = run_import(collection, source)
        assert report.resumed and report.added == 3000 and report.failed == 0
        assert collection.catalog.count() == 3000
        assert collection.catalog.get("r02999").title == "Title 2999"
