"""/api/v1/counties/{code}/webhooks: a carrier's system registers where its parcels' events
are POSTed (docs/webhooks.md) and lists its own webhooks; regulators and administrators
list every carrier's. The signing secret is answered once, at registration."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.errors import InvalidValue
from countyexpress.services import webhooks as service

router = APIRouter(
    prefix="/api/v1/counties", tags=["webhooks"], route_class=RedactedValidationRoute
)


class WebhookIn(BaseModel):
    """A webhook to register."""

    url: str = Field(max_length=500, description="http(s) address events are POSTed to")
    carrier: str | None = Field(
        default=None, max_length=20, description="The carrier (a carrier's key: its own)"
    )


class WebhookPublic(BaseModel):
    """A registered webhook, without its secret."""

    id: int
    carrier: str
    url: str
    active: bool
    created_at: dt.datetime


class WebhookCreated(WebhookPublic):
    """A webhook just registered, with its signing secret: shown this once only."""

    secret: str = Field(description="HMAC-SHA256 key of X-CountyExpress-Signature; keep it")


@router.get("/{code}/webhooks", response_model=list[WebhookPublic])
def get_webhooks(code: str, uow: UowDep, by: PrincipalDep) -> list[WebhookPublic]:
    """The county's webhooks (a carrier's key: its own), never their secrets."""
    return [WebhookPublic.model_validate(h) for h in service.listing(uow, by, code)]


@router.post("/{code}/webhooks", response_model=WebhookCreated, status_code=201)
def post_webhook(
    code: str, body: WebhookIn, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> WebhookCreated:
    """Register a webhook: every stored, handed-over, delivered-at-the-door and returned
    event of the carrier's parcels from now on is POSTed to it, signed, at least once."""
    carrier = body.carrier or by.carrier
    if not carrier:
        raise InvalidValue("carrier", "name the carrier whose events go to this webhook")
    now = dt.datetime.now(dt.UTC)
    vault = Vault(settings.data_key_bytes())
    hook_id, secret = service.add(uow, vault, by, code, carrier, body.url, now)
    return WebhookCreated(
        id=hook_id, carrier=carrier, url=body.url.strip(), active=True, created_at=now,
        secret=secret,
    )  # fmt: skip
