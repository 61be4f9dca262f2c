"""Edge cases of the path analysis and of class resolution, each on a small module written for the test."""

from __future__ import annotations

import json
import textwrap

from tests.audit.conftest import write

HEADER = "from platform.base import ProcessorBase\n\n\n"


def audit_source(audit, tmp_path, source: str, *extra: str) -> dict:
    write(tmp_path, "mod.py", HEADER + textwrap.dedent(source))
    run = audit("mod.py", "--format", "json", *extra, cwd=tmp_path)
    assert run.code in (0, 1), run.err
    return run.json()


def unset(doc: dict) -> dict:
    """{Class.method: [(line, kind, situation), ...]} for every audited method (ok ones map to [])."""
    return {f"{c['class']}.{c['method']}": [(e["line"], e["kind"], e["situation"]) for e in c["unset_exits"]]
            for c in doc["classes"]}


def test_finally_return_is_reached_by_the_exception_path(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def save_data(self):
                try:
                    self.insert()
                    self.stats["rows_inserted"] = 1
                finally:
                    return
    """)
    # When insert() raises, the return in finally swallows the error with the stat unset.
    assert unset(doc) == {"P.save_data": [(11, "return", None)]}


def test_raise_of_an_unknown_class_may_escape_a_narrower_handler(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def save_data(self):
                try:
                    raise ProcessingError("x")
                except ValueError:
                    self.stats["rows_inserted"] = 0
                    raise


        class ProcessingLocalError(ValueError):
            pass


        class Q(ProcessorBase):
            def save_data(self):
                try:
                    raise ProcessingLocalError("x")
                except ValueError:
                    self.stats["rows_inserted"] = 0
                    raise
    """)
    # ProcessingError is not defined here: it may not be a ValueError, so its raise may leave the method.
    # ProcessingLocalError derives from ValueError in this file: caught, not an exit.
    assert unset(doc) == {"P.save_data": [(8, "raise", None)], "Q.save_data": []}


def test_mutually_recursive_helpers_end_and_do_not_count(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def _a(self, n):
                return self._b(n - 1) if n else 0

            def _b(self, n):
                return self._a(n)

            def save_data(self):
                self._b(3)
    """)
    assert unset(doc) == {"P.save_data": [(13, "fallthrough", None)]}


def test_only_calls_that_certainly_run_count(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def _record(self, n):
                self.stats["rows_inserted"] = n

            def save_data(self):
                rows = self.transformed_data
                done = rows and self._record(len(rows))
                label = "x" if rows else self._record(0)
                hook = lambda: self._record(1)
                return [self._record(r) for r in rows]

            def save_analytics(self):
                self._record(0) or self.log()
                self.stats["rows_processed"] = 1
    """)
    # `a and f()`, `x if c else f()`, lambda bodies and comprehension bodies may not run; the left operand does.
    assert unset(doc)["P.save_data"] == [(14, "return", None)]
    assert unset(doc)["P.save_analytics"] == []


def test_unreachable_exits_and_infinite_loops_are_not_exits(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def save_data(self):
                while True:
                    batch = self.queue.get()
                    self.stats["rows_inserted"] = self.write(batch)
                    if batch is None:
                        return
                return

            def save_analytics(self):
                raise NotImplementedError
                return
    """)
    assert unset(doc) == {"P.save_data": [], "P.save_analytics": [(15, "raise", None)]}


def test_a_method_that_always_raises_counts_as_setting_for_its_callers(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def _abort(self, why):
                self.stats["rows_inserted"] = 0
                raise RuntimeError(why)

            def save_data(self):
                if not self.transformed_data:
                    self._abort("no data")
                self.stats["rows_inserted"] = len(self.transformed_data)
    """)
    assert unset(doc) == {"P.save_data": []}


def test_columns_count_characters_not_bytes(audit, tmp_path):
    doc = audit_source(audit, tmp_path, """
        class P(ProcessorBase):
            def save_data(self):
                label = "équipe"; return
    """)
    line = (tmp_path / "mod.py").read_text().splitlines()[6]
    # 26 characters but 27 bytes precede `return`: ast counts bytes, the report counts characters.
    assert line.index("return") == 26 and len(line[:26].encode()) == 27
    assert doc["classes"][0]["unset_exits"] == [{"line": 7, "column": 27, "kind": "return", "situation": None}]


def test_rules_can_name_other_methods_keys_and_bases(audit, tmp_path):
    write(tmp_path, "pyproject.toml", textwrap.dedent("""
        [tool.nbadq.audit]
        rules = [{ method = "write_rows", key = "rows_written" }, { method = "write_rows", key = "batches" }]
        bases = ["Loader"]
    """))
    write(tmp_path, "loaders.py", textwrap.dedent("""
        class Loader:
            def write_rows(self):
                return None


        class GamesLoader(Loader):
            def write_rows(self):
                self.stats.update(rows_written=1)


        class ProcessorLike(ProcessorBase):
            def save_data(self):
                return None
    """))
    run = audit("--format", "json", cwd=tmp_path)
    assert unset(run.json()) == {"GamesLoader.write_rows": [(9, "fallthrough", None)]}
    assert [(c["key"], c["verdict"]) for c in run.json()["classes"]] == [("rows_written", "ok"),
                                                                        ("batches", "missing_all")]


def test_bases_resolve_through_imports_when_names_collide(audit, tmp_path):
    write(tmp_path, "pkg/__init__.py", "from .raw import RawBase as RawBase\n")
    write(tmp_path, "pkg/raw.py", "from platform.base import ProcessorBase\n\n\nclass RawBase(ProcessorBase):\n"
                                  "    pass\n")
    write(tmp_path, "pkg/other.py", "class RawBase:\n    pass\n")
    write(tmp_path, "app/one.py", "from pkg.raw import RawBase\n\n\nclass One(RawBase):\n"
                                  "    def save_data(self):\n        return\n")
    write(tmp_path, "app/two.py", "from pkg.other import RawBase\n\n\nclass Two(RawBase):\n"
                                  "    def save_data(self):\n        return\n")
    write(tmp_path, "app/three.py", "from pkg import RawBase\n\n\nclass Three(RawBase):\n"
                                    "    def save_data(self):\n        return\n")
    write(tmp_path, "pkg/four.py", "from .raw import RawBase\n\n\nclass Four(RawBase):\n"
                                   "    def save_data(self):\n        return\n")
    doc = audit(".", "--format", "json", cwd=tmp_path).json()
    # Two's RawBase is not a processor; Three's comes through the package's re-export; Four's is relative.
    assert sorted(c["class"] for c in doc["classes"]) == ["Four", "One", "Three"]


def test_given_files_follow_imports_for_bases_but_report_only_themselves(audit, tmp_path):
    write(tmp_path, "shared/bases.py", "from platform.base import ProcessorBase\n\n\nclass RawBase(ProcessorBase):\n"
                                       "    def _record(self, n):\n        self.stats['rows_inserted'] = n\n\n\n"
                                       "class Unrelated(RawBase):\n    def save_data(self):\n        return\n")
    write(tmp_path, "feeds/games.py", "from shared.bases import RawBase\n\n\nclass Games(RawBase):\n"
                                      "    def save_data(self):\n        self._record(1)\n\n\n"
                                      "class Teams(RawBase):\n    def save_data(self):\n        return\n")
    doc = audit("feeds/games.py", "--format", "json", cwd=tmp_path).json()
    assert unset(doc) == {"Games.save_data": [], "Teams.save_data": [(11, "return", None)]}
    assert doc["summary"]["files_scanned"] == 1


def test_the_process_pool_gives_the_same_report_as_one_process(audit, tmp_path):
    # 240 files: above the size where the audit forks workers.
    for i in range(240):
        write(tmp_path, f"feeds/f{i:03d}.py", HEADER + textwrap.dedent(f"""
            class Feed{i}(ProcessorBase):
                def save_data(self):
                    if not self.rows:
                        return
                    if self.already_loaded():
                        {'self.stats["rows_inserted"] = 0' if i % 3 else 'pass'}
                        return
                    self.stats["rows_inserted"] = {i}
        """))
    serial = audit(".", "--format", "json", "--jobs", "1", cwd=tmp_path)
    pooled = audit(".", "--format", "json", "--jobs", "2", cwd=tmp_path)
    assert serial.code == pooled.code == 1
    assert json.loads(serial.out) == json.loads(pooled.out)
    assert json.loads(serial.out)["summary"]["unset_exits"] == 240 + 80


def test_an_outlined_base_of_an_audited_class_is_parsed_for_its_helpers(audit, tmp_path):
    # x.py names no audited method, so it is first only outlined; z.py has another class called Mid, which the
    # name resolves to until x.py is known. Once the import leads to x.Mid, x.py must be parsed for _record.
    write(tmp_path, "x.py", "from platform.base import ProcessorBase\n\n\nclass Mid(ProcessorBase):\n"
                            "    def _record(self):\n        self.stats['rows_inserted'] = 1\n")
    write(tmp_path, "z.py", "from platform.base import ProcessorBase\n\n\nclass Mid(ProcessorBase):\n"
                            "    def save_data(self):\n        self.stats['rows_inserted'] = 1\n")
    write(tmp_path, "y.py", "from x import Mid\n\n\nclass Leaf(Mid):\n    def save_data(self):\n"
                            "        self._record()\n")
    doc = audit(".", "--format", "json", cwd=tmp_path).json()
    assert unset(doc) == {"Leaf.save_data": [], "Mid.save_data": []}
    assert doc["summary"]["files_parsed"] == 3


def test_builtin_exception_hierarchy_comes_from_the_interpreter():
    from nbadq.audits.catching import MAYBE, NO, YES, Catcher

    catcher = Catcher({"AppError": ("ValueError",)})
    assert catcher.catches(("Exception",), ("ExceptionGroup",)) == YES  # two bases: BaseExceptionGroup, Exception
    assert catcher.catches(("OSError",), ("ConnectionResetError",)) == YES
    assert catcher.catches(("ValueError",), ("KeyError",)) == NO
    assert catcher.catches(("Exception",), ("KeyboardInterrupt",)) == NO
    assert catcher.catches(("ValueError",), ("AppError",)) == YES
    assert catcher.catches(("KeyError",), ("SomeUnseenError",)) == MAYBE
