"""The region's cluster on Dask (`dask.distributed`): a LocalCluster of worker processes by
default, or a real scheduler started with `dask scheduler` / `dask worker` (issue 17).

`DaskFanout` is services.region's `Fanout`: it submits each county's call as it is given
and yields the calls back in the order they complete (Dask's `as_completed`), each with its
result or the exception it raised on the worker.
"""

from __future__ import annotations

import importlib
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from countyexpress.errors import InvalidValue
from countyexpress.services.region import Call, Completed

__all__ = ["CONNECT_TIMEOUT", "DaskFanout", "cluster"]

CONNECT_TIMEOUT = "20s"
"""How long the client keeps trying to reach a scheduler before it gives up."""


class DaskFanout:
    """Calls fanned out over a Dask client's workers."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def completed(self, calls: Iterable[Call]) -> Iterator[Completed]:
        pending = _distributed().as_completed()
        codes: dict[str, str] = {}
        for call in calls:  # submitted as given: the first are solved while the rest are read
            key = f"{call.fn.__name__}-{call.code}-{uuid.uuid4().hex[:8]}"
            codes[key] = call.code
            pending.add(self.client.submit(call.fn, *call.args, key=key, pure=False))
        for future in pending:
            code = codes[future.key]
            if future.status == "error":
                yield code, None, future.exception()
            else:
                yield code, future.result(), None
            future.release()


def _distributed() -> Any:
    """dask.distributed, imported when a cluster is wanted (it is slow to import; untyped)."""
    return importlib.import_module("distributed")


@contextmanager
def cluster(scheduler: str = "local", workers: int | None = None) -> Iterator[DaskFanout]:
    """`local`: a LocalCluster of `workers` processes (default: one per core), one thread
    each, on the loopback, no dashboard; else the address of a running scheduler, tcp://HOST:8786."""
    dask = _distributed()
    if scheduler == "local":
        n = workers or os.cpu_count() or 1
        with (
            dask.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None,  # and its health page on a free loopback port:
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            ) as local,
            dask.Client(local) as client,
        ):  # fmt: skip
            yield DaskFanout(client)
        return
    if not scheduler.startswith(("tcp://", "tls://")):
        raise InvalidValue("scheduler", f"{scheduler!r} is neither `local` nor tcp://HOST:PORT")
    if workers is not None:
        raise InvalidValue("workers", "--workers sizes a local cluster; a scheduler has its own")
    with dask.Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
        yield DaskFanout(client)
