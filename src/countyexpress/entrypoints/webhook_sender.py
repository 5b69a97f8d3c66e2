"""The webhook dispatcher as a background thread of `countyexpress serve`, so a default
install sends carriers their events without a second process (docs/webhooks.md).

Each pass is `services.webhooks.deliver`: sweep the ledger, POST what is due, record each
outcome. A pass that fails (the database busy or away) is logged and the next one tries
again; the thread never takes the server down."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.webhook_http import post
from countyexpress.services import webhooks as service
from countyexpress.settings import Settings

log = structlog.get_logger("countyexpress.webhooks")


def policy(settings: Settings) -> service.RetryPolicy:
    """The retry schedule the settings give."""
    return service.RetryPolicy(
        settings.webhook_retry_base_seconds,
        settings.webhook_retry_cap_seconds,
        settings.webhook_max_attempts,
    )


class Sender:
    """Delivery passes every `every` seconds on a daemon thread until `stop()`."""

    def __init__(
        self,
        new_uow: Callable[[], Any],
        vault: Vault,
        every: float,
        retry: service.RetryPolicy,
        poster: service.Poster = post,
    ) -> None:
        self._new_uow = new_uow
        self._vault = vault
        self._every = every
        self._retry = retry
        self._post = poster
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-sender", daemon=True)
        self.passes = 0
        self.failures = 0

    def start(self) -> Sender:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                done = service.deliver(
                    self._new_uow, self._vault, self._post, dt.datetime.now(dt.UTC), self._retry
                )
            except Exception as exc:  # the next pass tries again; the server stays up
                self.failures += 1
                log.error("webhook_pass_failed", error=f"{type(exc).__name__}: {exc}")
            else:
                if done.enqueued or done.delivered or done.failed or done.dead:
                    log.info("webhook_pass", **vars(done))
            self.passes += 1
            self._stopping.wait(self._every)


def start_for_serve(settings: Settings, engine: Engine) -> Sender | None:
    """The sender `serve` runs, or None when the settings leave delivery to a separate
    `countyexpress webhooks deliver` (COUNTYEXPRESS_WEBHOOK_SEND_EVERY_SECONDS=0)."""
    if settings.webhook_send_every_seconds <= 0:
        return None
    vault = Vault(settings.data_key_bytes())
    return Sender(
        bootstrap.uow_factory(engine), vault, settings.webhook_send_every_seconds, policy(settings)
    ).start()
