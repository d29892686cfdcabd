"""Verifying a long trail on two processor cores, as a large export is written
(audit.export_split, whose second-process machinery this uses).

A second process, started with "spawn" and given the store's address and this process's
state through the pipe (never a command line; no key, no login), checks the later entries
(mid, head] as chain.PartVerifier does: numbering and links from the first of them, each
entry's canonical JSON against its entry_hash (as Verifier.feed does), and each
installation's entries against the MAC key its next seal reveals. Meanwhile this process
verifies [1, mid] whole, then reads the later entries' (seq, action, entry_hash, chain,
mac) only and checks what needs the trail before them (Verifier.feed_hashed): numbering,
registrations and seals (due on time, of the right epoch, signed: so each revealed key is
the right one), hashing the seals and registrations itself as it reads their other fields,
the MACs of the epochs open at mid, and the entries left unsealed. Both take a running
SHA-256 over those five fields of every later entry in order; they must be equal, the first
later entry must link to this process's last, and the counts must agree, or the two did
not read the same entries.

The later entries count as verified only when the second process passed every one of them,
in the same state of the store (PostgreSQL: this transaction's exported snapshot; SQLite:
the same newest entry, and PRAGMA data_version unchanged until the second process fixed
its state), with the same stream, and this process passed every one of them. Anything else
(an entry that fails either check, a second process that cannot start, fails, dies, is too
slow or read another state) sends this process back to the copy of its verifier taken at
mid, and it verifies the later entries itself with feed(): a result that is not ok is
always one process's result, word for word, and nothing the second process says makes a
trail pass that one process fails; it only spares this process work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import marshal
import operator
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import URL

from suitcheck.audit import chain, export_split

log = logging.getLogger(__name__)

# A trail of fewer entries than this is verified in one process (starting the second costs
# about half a second, and a short trail takes less than that to verify).
SPLIT_FROM = 200_000
# The share of the trail the second process hashes: it starts up (about half a second) while
# this process verifies the earlier entries, then this one reads the later entries' chain
# fields (about a third of hashing them) while it hashes.
WORKER_SHARE = 0.52
# How long this process waits for the second one, beyond its own share's time, before it
# verifies the later entries itself.
_GRACE_S = 30.0


@dataclasses.dataclass(frozen=True)
class _Job:
    """What the second process needs (pickled through the spawn pipe)."""

    url: URL
    head: tuple[Any, ...] | None  # (seq, entry_hash) of the newest entry this process sees
    snapshot: str | None  # a PostgreSQL snapshot to read in
    after: int  # the later entries are those after this seq


def split_point(head_seq: int) -> int | None:
    """The last seq this process verifies whole; None: the trail stays in one process."""
    if head_seq < max(SPLIT_FROM, 2):
        return None
    return head_seq - max(1, int(head_seq * WORKER_SHARE))


def stream_bytes(rows: list[tuple[Any, ...]]) -> bytes:
    """A batch of (seq, action, entry_hash, chain, mac) rows as the running stream takes them:
    marshal's version 2, which writes a value as its type and its bytes (no references to
    objects written before, no mark of interned strings), so equal rows give equal bytes in
    either process."""
    return marshal.dumps(rows, 2)


# -- the second process ---------------------------------------------------------------------


def _worker_main(pipe: Pipe, job: _Job) -> None:
    # The parent handles Ctrl+C and ends this process when it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        reply = export_split.read_in_state(pipe, job.url, job.head, job.snapshot, lambda db: _hash(pipe, db, job.after))
    except Exception as exc:  # noqa: BLE001 - whatever failed, the parent verifies those entries itself
        reply = ("failed", type(exc).__name__)
    with contextlib.suppress(OSError):  # the parent is gone
        pipe.send(reply)


def _hash(pipe: Pipe, db: Connection, after: int) -> tuple[Any, ...]:
    """Check every entry after `after` as chain.PartVerifier does: ("done", first seq, its
    prev_hash, count, last seq, the stream of what the parent reads), or ("bad", seq) at the
    first entry that fails."""
    verifier = chain.PartVerifier(after)
    stream = hashlib.sha256()
    first: tuple[Any, Any] = (None, None)
    read = operator.itemgetter(0, 3, 10, 11, 12)  # what the parent reads (chain.SELECT_LINKS)
    for batch in chain.entry_batches(db, chain.SELECT_ENTRIES, after=after):
        if pipe.poll():  # the parent sends nothing: readable means its end closed
            return ("stopped",)
        if first[0] is None:
            first = batch[0][0], batch[0][9]
        failure = verifier.feed(batch)
        if failure is not None:
            return ("bad", failure.bad_seq)  # the parent verifies these entries itself and says what it finds
        stream.update(stream_bytes(list(map(read, batch))))
    return ("done", *first, verifier.count, verifier.last_seq, stream.hexdigest())


# -- this process ---------------------------------------------------------------------------


class VerifyWorker(export_split.SecondProcess):
    """The second process of a split verification."""

    def start(self, job: _Job) -> bool:
        try:
            self.launch(_worker_main, job, "suitcheck-verify")
        except OSError as exc:
            log.info("the verification's second process could not be started (%s); verifying in one", exc)
            return False
        return True

    def vouches(self, read: tuple[Any, ...], timeout: float) -> bool:
        """Whether the second process hashed, in this process's state, exactly the entries
        this one `read`: (first seq, its prev_hash, count, last seq, digest stream)."""
        final = self.wait(timeout=timeout)
        if final[0] != "done" or self.changed:
            what = "the store changed before it read it" if final[0] == "moved" or self.changed else final[0]
            log.info("the verification's second process is not used (%s); verifying its entries here", what)
            return False
        if final[1:] != read:
            log.warning("the verification's second process read other entries than this one; verifying them here")
            return False
        return True


def verify_entries(
    conn: Connection,
    *,
    url: URL,
    trusted: set[str] | None,
    local_keys: dict[str, tuple[int, bytes]] | None,
    same_state: Callable[[], bool] | None,
) -> chain.Verifier:
    """The store's trail fed to a verifier, on two processes when it is long (see above):
    the verifier is in the state one process's feed() leaves. Call in the read
    transaction, after its snapshot began (SQLite: `same_state` says whether nothing was
    committed since before it began)."""
    head = export_split.read_head(conn)
    mid = split_point(int(head[0])) if head is not None else None
    if head is None or mid is None:
        return chain.verifier_for_store(conn, trusted=trusted, local_keys=local_keys)  # as before the split
    verifier = chain.Verifier(trusted=trusted, local_keys=local_keys)
    postgres = conn.dialect.name == "postgresql"
    snapshot = str(conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()) if postgres else None
    worker = VerifyWorker(same_state)
    try:
        started = worker.start(_Job(url, head, snapshot, mid))
        began = time.monotonic()
        for batch in chain.entry_batches(conn, chain.SELECT_ENTRIES, up_to=mid):
            if verifier.feed(batch) is not None:
                return verifier  # the first failure is in this process's entries
            worker.done()  # its "snapshot" compared with the store as soon as it comes
        at_mid = verifier.copy()
        if started and _later_vouched(conn, verifier, worker, mid, _GRACE_S + 3 * (time.monotonic() - began)):
            return verifier
        verifier = at_mid
        verifier.feed(chain.stream_entries(conn, after=mid))  # type: ignore[arg-type]
        return verifier
    finally:
        worker.stop()


def _later_vouched(conn: Connection, verifier: chain.Verifier, worker: VerifyWorker, mid: int, timeout: float) -> bool:
    """Whether the entries after `mid` pass `verifier` (their chain fields, read here) and
    the second process checked the same entries, the first linked to the entry at `mid`."""
    whole = {row[0]: row for batch in chain.entry_batches(conn, chain.SELECT_CONTENT, after=mid) for row in batch}
    stream = hashlib.sha256()
    seam = verifier.last_hash
    count, last = 0, None
    try:
        for batch in chain.entry_batches(conn, chain.SELECT_LINKS, after=mid):
            if not verifier.feed_hashed(batch, whole):
                return False
            stream.update(stream_bytes(batch))
            count, last = count + len(batch), batch[-1][0]
            worker.done()
    except Exception:  # a value of a type suitcheck never writes: feed() says what is wrong
        log.warning("the split verification could not check the later entries; verifying them here", exc_info=True)
        return False
    read = (mid + 1, seam, count, last) if count else (None, None, 0, None)
    return worker.vouches((*read, stream.hexdigest()), timeout)
