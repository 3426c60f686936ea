"""Stage the found files on two DuckDB connections at once, with the result of staging them one by
one in order: the same rows in the same order in every table, the same ids, report and refusal.

The machine's second CPU was idle while a county staged (~9 s, every statement single-threaded:
the files are small). The DfE readers' files (and any reader not named in ``CONCURRENT_READERS``)
stage on the load's connection, with their batches (etl/readers/_dfe.py Batch) and the temporary
stg_measure_* tables only that connection sees; the files of the readers named there stage at the
same time on a cursor of a second thread (DuckDB releases the GIL inside a statement).

Order. Think of the serial load as a sequence of events: stage file 0, 1, ... (file i may be
followed by its batch's flush) and the final flush after the last file. Each side runs its own
events in that order. An event whose every predecessor is already committed runs *direct* (writes
the build's tables); otherwise it runs *shadowed*: the side's connection gets temporary tables of
the same names and columns as the build's staging tables (a temporary table shadows a table of the
same name), so the readers' unchanged SQL writes (and reads back its own file's rows) there. A run
of shadowed events with no event of the other side between them is one group; the group waits
until the other side has committed every event before it, then copies its rows into the build's
tables in order and drops its shadows. So every table receives the rows of the serial load in the
serial order.

Failures. An event that fails stops its side; the other side runs nothing after it. The load then
raises the failure of the earliest file, and the report gets what a serial load would have
recorded before it (its lines and counts are replayed in serial order after both sides finish).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

# Readers (etl/readers/<name>.py) whose files stage on the second connection: each writes only the
# build's staging tables (never the load connection's temporary tables) and reads back only rows of
# its own file. Any other reader (the DfE readers and their batches) stages on the load connection.
CONCURRENT_READERS = frozenset(
    {
        "etl.readers.gias",
        "etl.readers.gias_links",
        "etl.readers.spine",
        "etl.readers.ofsted",
        "etl.readers.intelligence",
        "etl.readers.boundaries",
        "etl.readers.neighbours",
        "etl.readers.pupils",
        "etl.readers.estimates",
    }
)

NEVER = float("inf")

# An event's report action: applied in serial order once staging ends (position, action).
Action = tuple[tuple[int, int], Callable[[], None]]


@dataclass
class _Side:
    con: object
    files: list[int]  # the events (file indices; the final flush is len(found)) this side runs
    next: float = 0  # the first of its events not yet committed (NEVER when all are)
    shadows: list[str] | None = None
    group_start: int = 0  # the first event of the open group of shadowed events
    actions: list[Action] = field(default_factory=list)


class TwoSided:
    """Runs ``event(con, i)`` for i in 0..n (n: the final flush) on two connections as described
    above. ``event`` returns the event's report actions or raises; ``on_main(i)`` says which
    events run on ``con`` (the caller's thread); the others run on ``other`` in a second thread."""

    def __init__(
        self,
        con,
        other,
        n: int,
        on_main: Callable[[int], bool],
        event: Callable[[object, int], list[Action]],
    ) -> None:
        self.event = event
        main = [i for i in range(n + 1) if on_main(i)]
        side = [i for i in range(n + 1) if not on_main(i)]
        self.main, self.side = _Side(con, main), _Side(other, side)
        for s in (self.main, self.side):
            s.next = s.files[0] if s.files else NEVER
        self.cond = threading.Condition()
        self.stop_at = NEVER  # the file index of the earliest failure so far
        self.failures: list[Failed] = []
        db = con.execute("SELECT current_database()").fetchone()[0]
        self.db = db
        # the build's tables the readers write, with their declarations (for the shadows)
        self.tables = con.execute(
            """SELECT table_name, sql FROM duckdb_tables()
               WHERE database_name = ? AND schema_name = 'main' AND NOT temporary
               ORDER BY table_name""",
            [db],
        ).fetchall()

    def run(self) -> tuple[list[Action], Failed | None]:
        """Run every event; returns the report actions in serial order up to the earliest
        failure (with the failing event's own), and that failure or None."""
        worker = None
        if self.side.files:
            self.side.con.execute(f"USE {_q(self.db)}")
            worker = threading.Thread(target=self._run, args=(self.side, self.main), daemon=True)
            worker.start()
        try:
            self._run(self.main, self.side)
        except BaseException:
            with self.cond:
                self.stop_at = -1
                self.cond.notify_all()
            self.side.con.interrupt()
            raise
        finally:
            if worker is not None:
                worker.join()
        failure = min(self.failures, key=lambda f: f.position) if self.failures else None
        actions = sorted(self.main.actions + self.side.actions, key=lambda a: a[0])
        if failure is not None:
            actions = [a for a in actions if a[0] < failure.position] + failure.actions
        return actions, failure

    def _run(self, me: _Side, other: _Side) -> None:
        try:
            for k, i in enumerate(me.files):
                following = me.files[k + 1] if k + 1 < len(me.files) else NEVER
                try:
                    if not self._step(me, other, i, following):
                        break
                except BaseException as exc:
                    with self.cond:
                        if not isinstance(exc, Failed):
                            exc = Failed(exc, (i, 0))
                        self.failures.append(exc)
                        self.stop_at = min(self.stop_at, i)
                        self.cond.notify_all()
                    if me is self.main and not isinstance(exc.error, Exception):
                        raise exc.error from None  # KeyboardInterrupt and the like: at once
                    break
        finally:
            try:
                if me.shadows is not None:
                    self._drop_shadows(me)
            finally:
                with self.cond:
                    if self.stop_at == NEVER:
                        me.next = NEVER
                    self.cond.notify_all()

    def _step(self, me: _Side, other: _Side, i: int, following: float) -> bool:
        """Run event i on my side (and commit it when its turn comes); False: stop here."""
        with self.cond:
            if self.stop_at <= i:
                return False
            direct = me.shadows is None and other.next > i
        if not direct and me.shadows is None:
            self._open_shadows(me)
            me.group_start = i
        me.actions += self.event(me.con, i)
        if not direct and following == i + 1:
            return True  # my next event follows at once: same group
        if not direct:  # the other side has events before my next one: wait for my turn
            with self.cond:
                gs = me.group_start
                self.cond.wait_for(lambda: other.next > gs or self.stop_at < gs)
                if self.stop_at < gs:
                    return False
            self._commit(me)
        with self.cond:
            me.next = following
            self.cond.notify_all()
        return True

    def _open_shadows(self, me: _Side) -> None:
        names = []
        for name, sql in self.tables:
            head = "CREATE TABLE "
            if not sql.startswith(head):
                raise RuntimeError(f"cannot shadow {name}: unexpected declaration {sql[:60]!r}")
            me.con.execute("CREATE TEMP TABLE " + sql[len(head) :])
            names.append(name)
        me.shadows = names

    def _commit(self, me: _Side) -> None:
        for name in me.shadows:
            me.con.execute(
                f"INSERT INTO {_q(self.db)}.main.{_q(name)} SELECT * FROM temp.main.{_q(name)}"
            )
        self._drop_shadows(me)

    def _drop_shadows(self, me: _Side) -> None:
        for name in me.shadows:
            me.con.execute(f"DROP TABLE IF EXISTS temp.main.{_q(name)}")
        me.shadows = None


class Failed(Exception):
    """An event's failure: ``error`` is what the load raises, ``position`` where it falls in the
    serial order ((i, 0): file i; (i, 1): the batch flush after it), ``actions`` what the serial
    load records in the report before raising it."""

    def __init__(
        self, error: BaseException, position: tuple[int, int], actions: list[Action] = ()
    ) -> None:
        super().__init__(str(error))
        self.error, self.position, self.actions = error, position, list(actions)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
