"""GET /api/v1/credit-packs and POST /api/v1/credit-packs/{slug}/checkout: buying ⚡ through Stripe Checkout."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from api.auth import OPTIONAL_AUTH, require_user
from api.idempotency import idempotency_key_header, idempotency_key_parse
from api.schemas import ErrorOut
from purchases.models import CreditPack
from purchases.selectors import pack_on_sale, packs_on_sale
from purchases.services import purchase_checkout_start

router = Router(tags=["credits"])


class PackOut(Schema):
    slug: str
    credits: int
    price: int  # minor units: 499 is €4.99
    currency: str


class CheckoutOut(Schema):
    checkout_url: str
    session_id: str


@router.get(
    "/credit-packs",
    response=list[PackOut],
    auth=OPTIONAL_AUTH,
    summary="Credit packs on sale",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "Checkout": {
                        "operationId": "api_credit_packs_credit_pack_checkout",
                        "parameters": {"slug": "$response.body#/0/slug"},
                    }
                }
            }
        }
    },
)
def credit_packs_endpoint(request: HttpRequest) -> list[CreditPack]:
    """Packs on sale, in display order. Prices are integers in the currency's minor units (499 eur = €4.99)."""
    return list(packs_on_sale())


def _key(value: str | None) -> str:
    # Without a key every call opens its own checkout; nothing is charged until the buyer pays one of them.
    return f"api:{idempotency_key_parse(value) or uuid.uuid4()}"


@router.post(
    "/credit-packs/{slug}/checkout",
    response={
        200: CheckoutOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
        502: ErrorOut,
        503: ErrorOut,
    },
    summary="Start buying a credit pack",
)
def credit_pack_checkout_endpoint(
    request: HttpRequest,
    slug: str,
    idempotency_key: str | None = idempotency_key_header(
        "Optional: the same key returns the same checkout session.", required=False
    ),
) -> Status[dict[str, str]]:
    """Open a Stripe Checkout Session for the pack; send the buyer to `checkout_url`. The credits arrive when Stripe
    confirms the payment. The same Idempotency-Key returns the same session, and so does a new key while a checkout
    of the same pack is still open (30 minutes). A few new checkouts per 10 minutes at most: 429 with Retry-After.
    503 when purchases are not available."""
    user = require_user(request)
    pack = pack_on_sale(slug=slug)
    if pack is None:
        raise HttpError(404, f"No credit pack “{slug}” is on sale.")
    purchase, checkout_url = purchase_checkout_start(user=user, pack=pack, idempotency_key=_key(idempotency_key))
    return Status(200, {"checkout_url": checkout_url, "session_id": purchase.checkout_session_id or ""})
