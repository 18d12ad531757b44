"""A Stripe-compatible server on loopback for tests: localstripe in-process, plus the Checkout routes it lacks.

localstripe (PyPI) serves customers, payment methods, payment intents, charges, refunds and events, but no Checkout
Sessions. This module starts localstripe's own aiohttp app in a background thread and adds to that same app:

    POST /v1/checkout/sessions                       create (form-encoded as stripe-python sends it; Idempotency-Key)
    GET  /v1/checkout/sessions/{id}                  retrieve (expand[]=line_items|payment_intent)
    GET  /v1/checkout/sessions/{id}/line_items       the session's line items
    POST /v1/checkout/sessions/{id}/expire           expire an open session (posts checkout.session.expired)
    GET  /v1/disputes/{id}                           a dispute opened with the test route below

and test-only control routes (no API key needed; loopback only):

    POST /_test/webhook                              url=…&secret=…: where signed events are posted
    POST /_test/reset                                forget every object, event, idempotency key and the webhook
    GET  /_test/events                               the events posted so far
    GET  /_test/checkout/sessions/{id}               the session, plus its charge id once paid
    POST /_test/checkout/sessions/{id}/complete      paid=true|false: pay (or leave unpaid) and post the event
    POST /_test/checkout/sessions/{id}/async_payment_succeeded | async_payment_failed
    POST /_test/charges/{id}/refund                  amount=… (default: what is left): posts charge.refunded
    POST /_test/charges/{id}/dispute                 posts charge.dispute.created
    POST /_test/disputes/{id}/close                  status=won|lost: posts charge.dispute.closed
    GET  /_test/pay/{id}, POST /_test/pay/{id}       the hosted "Pay" page a browser test can click through

Every event is signed like Stripe's (`t=…,v1=…`) with the fake's secret and posted synchronously before the control
route answers, so a test that calls `complete()` can assert on the app's state right after.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import ClientError, ClientSession, ClientTimeout, web

with warnings.catch_warnings():
    # localstripe registers plain (non-async) handlers, which aiohttp deprecates; that is its business, not ours.
    warnings.filterwarnings("ignore", "Bare functions are deprecated", DeprecationWarning)
    from localstripe import server as ls_server
from localstripe import webhooks as ls_webhooks
from localstripe.errors import UserError
from localstripe.resources import (
    Charge,
    Event,
    PaymentIntent,
    PaymentMethod,
    Refund,
    Store,
    StripeObject,
    random_id,
    store,
)

from .signing import stripe_signature

DEFAULT_WEBHOOK_SECRET = "whsec_test_local"
# localstripe's own events carry this version; ours use the Stripe-Version the client last sent, as Stripe does for
# an endpoint pinned to the account's version.
FALLBACK_API_VERSION = "2017-08-15"
TEST_CARD_NUMBER = "4242424242424242"
CONTROL_API_KEY = "sk_test_fake_control"  # any sk_ key passes localstripe's auth; this one marks our own calls
ZERO_DECIMAL_CURRENCIES = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx"})
WEBHOOK_TIMEOUT_SECONDS = 30

T = TypeVar("T")


class FakeStripeError(Exception):
    """A control call to the fake answered with an error status."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"fake Stripe answered {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class PostedEvent:
    """One event as it was (or would have been) delivered: the exact bytes and signature, and the app's answer."""

    id: str
    type: str
    event: dict[str, Any]
    payload: bytes
    signature: str
    url: str | None
    status: int | None = None
    response_body: str = ""
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


# --------------------------------------------------------------------------------------------------------------------
# Objects localstripe does not have. Subclassing its StripeObject keeps them in its store (so a reset clears them) and
# lets its Event export them.


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(self, *, params: dict[str, Any], url_base: str) -> None:
        super().__init__()
        self.mode = params["mode"]
        self.amount_subtotal = params["amount_total"]
        self.amount_total = params["amount_total"]
        self.currency = params["currency"]
        self.success_url = params["success_url"]
        self.cancel_url = params["cancel_url"]
        self.client_reference_id = params["client_reference_id"]
        self.customer = None
        self.customer_email = params["customer_email"]
        self.customer_details = None
        self.expires_at = self.created + 24 * 3600
        self.locale = params["locale"]
        self.metadata = params["metadata"]
        self.payment_intent: str | None = None
        self.payment_method_types = params["payment_method_types"]
        self.payment_status = "unpaid"
        self.status = "open"
        self.url: str | None = f"{url_base}/_test/pay/{self.id}"
        self._line_items: list[dict[str, Any]] = params["line_items"]
        self._async_settled = False

    def _line_items_list(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [dict(item) for item in self._line_items],
            "has_more": False,
            "url": f"/v1/checkout/sessions/{self.id}/line_items",
        }


class Dispute(StripeObject):
    object = "dispute"
    _id_prefix = "dp_"

    def __init__(self, *, charge: Any, amount: int, reason: str) -> None:
        super().__init__()
        self.amount = amount
        self.balance_transactions: list[str] = []
        self.charge = charge.id
        self.currency = charge.currency
        self.evidence_details = {
            "due_by": self.created + 7 * 24 * 3600,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        }
        self.is_charge_refundable = False
        self.metadata: dict[str, str] = {}
        self.payment_intent = charge.payment_intent
        self.reason = reason
        self.status = "needs_response"


# --------------------------------------------------------------------------------------------------------------------
# Parsing and validation of POST /v1/checkout/sessions, with Stripe's error shape and wording style.

_SESSION_PARAMS = frozenset(
    {
        "mode",
        "line_items",
        "success_url",
        "cancel_url",
        "client_reference_id",
        "customer_email",
        "metadata",
        "payment_method_types",
        "locale",
    }
)


def _error(status: int, message: str, *, param: str | None = None, code: str | None = None) -> UserError:
    contents: dict[str, Any] = {}
    if param is not None:
        contents["param"] = param
    if code is not None:
        contents["code"] = code
    return UserError(status, message, contents)


def _missing(param: str) -> UserError:
    return _error(400, f"Missing required param: {param}.", param=param, code="parameter_missing")


def _int_param(value: Any, param: str, *, minimum: int) -> int:
    if isinstance(value, bool):
        raise _error(400, f"Invalid integer: {value}", param=param, code="parameter_invalid_integer")
    if isinstance(value, str):
        try:
            value = int(value, 10)
        except ValueError:
            raise _error(400, f"Invalid integer: {value}", param=param, code="parameter_invalid_integer") from None
    if not isinstance(value, int):
        raise _error(400, f"Invalid integer: {value}", param=param, code="parameter_invalid_integer")
    if value < minimum:
        raise _error(
            400,
            f"This value must be greater than or equal to {minimum}.",
            param=param,
            code="parameter_invalid_integer",
        )
    return value


def _url_param(value: Any, param: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")) or " " in value:
        raise _error(400, "Not a valid URL", param=param, code="url_invalid")
    return value


def _line_item(raw: Any, index: int) -> dict[str, Any]:
    prefix = f"line_items[{index}]"
    if not isinstance(raw, dict):
        raise _error(400, f"Invalid object: {prefix}", param=prefix, code="parameter_invalid")
    unknown = set(raw) - {"price", "price_data", "quantity"}
    if unknown:
        name = sorted(unknown)[0]
        raise _error(400, f"Received unknown parameter: {prefix}[{name}]", param=f"{prefix}[{name}]")
    if "price" in raw:
        # localstripe has no Prices, so neither does the fake: only inline price_data works.
        raise _error(404, f"No such price: '{raw['price']}'", param=f"{prefix}[price]", code="resource_missing")
    price_data = raw.get("price_data")
    if not isinstance(price_data, dict):
        raise _missing(f"{prefix}[price_data]")
    if "quantity" not in raw:
        raise _missing(f"{prefix}[quantity]")
    quantity = _int_param(raw["quantity"], f"{prefix}[quantity]", minimum=1)

    currency = price_data.get("currency")
    if currency in (None, ""):
        raise _missing(f"{prefix}[price_data][currency]")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise _error(400, f"Invalid currency: {currency}", param=f"{prefix}[price_data][currency]")
    if "unit_amount" not in price_data:
        raise _missing(f"{prefix}[price_data][unit_amount]")
    unit_amount = _int_param(price_data["unit_amount"], f"{prefix}[price_data][unit_amount]", minimum=0)
    product_data = price_data.get("product_data")
    if not isinstance(product_data, dict):
        raise _missing(f"{prefix}[price_data][product_data]")
    name = product_data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _missing(f"{prefix}[price_data][product_data][name]")

    return {
        "id": "li_" + random_id(24),
        "object": "item",
        "amount_subtotal": unit_amount * quantity,
        "amount_total": unit_amount * quantity,
        "currency": currency.lower(),
        "description": name,
        "quantity": quantity,
        "price": {
            "id": "price_" + random_id(24),
            "object": "price",
            "active": False,
            "currency": currency.lower(),
            "product": {"object": "product", "name": name},
            "type": "one_time",
            "unit_amount": unit_amount,
        },
    }


def _metadata(raw: Any) -> dict[str, str]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise _error(400, "Invalid object: metadata", param="metadata")
    if len(raw) > 50:
        raise _error(400, "Metadata can have at most 50 keys.", param="metadata")
    for key, value in raw.items():
        if len(key) > 40:
            raise _error(400, f"Metadata keys can be at most 40 characters long: {key}", param=f"metadata[{key}]")
        if not isinstance(value, str) or len(value) > 500:
            raise _error(400, "Metadata values must be strings of at most 500 characters.", param=f"metadata[{key}]")
    return {str(k): str(v) for k, v in raw.items()}


def _parse_session_params(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - _SESSION_PARAMS
    if unknown:
        name = sorted(unknown)[0]
        raise _error(400, f"Received unknown parameter: {name} (the local fake does not implement it)", param=name)

    mode = data.get("mode")
    if not mode:
        raise _missing("mode")
    if mode in ("setup", "subscription"):
        raise _error(400, f"The local fake only implements mode=payment, not mode={mode}.", param="mode")
    if mode != "payment":
        raise _error(400, "Invalid mode: must be one of payment, setup, or subscription", param="mode")

    if "success_url" not in data:
        raise _missing("success_url")
    success_url = _url_param(data["success_url"], "success_url")
    cancel_url = _url_param(data["cancel_url"], "cancel_url") if data.get("cancel_url") else None

    raw_items = data.get("line_items")
    if not raw_items:
        raise _missing("line_items")
    if not isinstance(raw_items, list):
        raise _error(400, "Invalid array: line_items", param="line_items")
    line_items = [_line_item(raw, index) for index, raw in enumerate(raw_items)]
    currencies = {item["currency"] for item in line_items}
    if len(currencies) > 1:
        raise _error(400, "All line items must share one currency.", param="line_items")

    customer_email = data.get("customer_email") or None
    if customer_email is not None and (
        not isinstance(customer_email, str) or "@" not in customer_email or " " in customer_email
    ):
        raise _error(400, f"Invalid email address: {customer_email}", param="customer_email", code="email_invalid")

    client_reference_id = data.get("client_reference_id") or None
    if client_reference_id is not None and (not isinstance(client_reference_id, str) or len(client_reference_id) > 200):
        raise _error(
            400, "client_reference_id must be a string of at most 200 characters.", param="client_reference_id"
        )

    payment_method_types = data.get("payment_method_types") or ["card"]
    if payment_method_types != ["card"]:
        raise _error(400, "The local fake only implements card payments.", param="payment_method_types")

    return {
        "mode": mode,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "line_items": line_items,
        "amount_total": sum(item["amount_total"] for item in line_items),
        "currency": line_items[0]["currency"],
        "customer_email": customer_email,
        "client_reference_id": client_reference_id,
        "metadata": _metadata(data.get("metadata")),
        "payment_method_types": payment_method_types,
        "locale": data.get("locale") or None,
    }


# --------------------------------------------------------------------------------------------------------------------
# Events and their delivery.


def _current() -> FakeStripe:
    if _active is None:
        raise _error(503, "No FakeStripe is running in this process.")
    return _active


def _event(fake: FakeStripe, event_type: str, obj: Any, previous_attributes: dict[str, Any] | None = None) -> Any:
    """A Stripe-shaped event, kept in localstripe's store so GET /v1/events/{id} finds it too."""
    event = Event(event_type, obj)
    if previous_attributes:
        event.data["previous_attributes"] = previous_attributes
    event.api_version = fake.api_version
    event.pending_webhooks = 1 if fake.webhook_url else 0
    event.request = {"id": None, "idempotency_key": None}
    return event


async def _deliver(fake: FakeStripe, event: Any) -> PostedEvent:
    body = event._export()
    # Stripe sends pretty-printed JSON and signs those exact bytes.
    payload = json.dumps(body, indent=2).encode("utf-8")
    signature = stripe_signature(payload, fake.secret)
    record = PostedEvent(
        id=body["id"], type=body["type"], event=body, payload=payload, signature=signature, url=fake.webhook_url
    )
    fake._posted.append(record)
    if record.url:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature,
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }
        try:
            async with (
                ClientSession(timeout=ClientTimeout(total=WEBHOOK_TIMEOUT_SECONDS)) as client,
                client.post(record.url, data=payload, headers=headers) as response,
            ):
                record.status = response.status
                record.response_body = (await response.text())[:2000]
        except (TimeoutError, ClientError) as exc:
            record.error = f"{type(exc).__name__}: {exc}"
    return record


def _event_response(record: PostedEvent) -> web.Response:
    return ls_server.json_response(record.event)


# --------------------------------------------------------------------------------------------------------------------
# State changes. They run on the server's event loop and finish before any await, so two control calls never
# interleave halfway through one change.


def _session_or_404(session_id: str) -> CheckoutSession:
    session = store.get(f"{CheckoutSession.object}:{session_id}")
    if session is None:
        raise _error(404, f"No such checkout.session: '{session_id}'", param="session", code="resource_missing")
    return session


def _charge_or_404(charge_id: str) -> Any:
    charge = store.get(f"{Charge.object}:{charge_id}")
    if charge is None:
        raise _error(404, f"No such charge: '{charge_id}'", param="charge", code="resource_missing")
    return charge


def _complete(session: CheckoutSession, *, paid: bool) -> None:
    if session.status != "open":
        raise _error(400, f"Checkout Session {session.id} is {session.status}; only an open session can be completed.")
    if session.amount_total == 0:
        session.payment_status = "no_payment_required"
    else:
        payment_method = PaymentMethod(
            type="card",
            card={
                "number": TEST_CARD_NUMBER,
                "exp_month": "12",
                "exp_year": str(time.gmtime().tm_year + 5),
                "cvc": "123",
            },
            billing_details={"email": session.customer_email} if session.customer_email else None,
        )
        intent = PaymentIntent(amount=session.amount_total, currency=session.currency, payment_method=payment_method.id)
        session.payment_intent = intent.id
        if paid:
            _pay(intent)
            session.payment_status = "paid"
    session.status = "complete"
    session.url = None
    session.customer_details = {"email": session.customer_email, "name": None, "phone": None}


def _pay(intent: Any) -> None:
    # localstripe charges the test card at once and leaves the charge on intent.latest_charge.
    intent._confirm(on_failure_now=intent._report_failure)
    intent.latest_charge.disputed = False


def _charge_id(session: CheckoutSession) -> str | None:
    if not session.payment_intent:
        return None
    intent = PaymentIntent._api_retrieve(session.payment_intent)
    return intent.latest_charge.id if intent.latest_charge is not None else None


def _export_session(session: CheckoutSession, expand: Any) -> dict[str, Any]:
    expand = expand or []
    if not isinstance(expand, list) or not all(isinstance(path, str) for path in expand):
        raise _error(400, "Invalid array: expand", param="expand")
    body = session._export()
    for path in expand:
        if path == "line_items":
            body["line_items"] = session._line_items_list()
        elif path == "payment_intent":
            if session.payment_intent:
                body["payment_intent"] = PaymentIntent._api_retrieve(session.payment_intent)._export()
        else:
            raise _error(400, f"This property cannot be expanded ({path}).", param="expand")
    return body


async def _params(request: web.Request) -> dict[str, Any]:
    data = dict(await ls_server.get_post_data(request) or {})
    data.update(ls_server.unflatten_data(request.query) or {})
    return data


def _bool_param(value: Any, param: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1", "yes"):
        return True
    if str(value).lower() in ("false", "0", "no"):
        return False
    raise _error(400, f"Invalid boolean: {value}", param=param)


# --------------------------------------------------------------------------------------------------------------------
# Stripe API routes localstripe lacks.


async def _create_session(request: web.Request) -> web.Response:
    fake = _current()
    data = dict(await ls_server.get_post_data(request) or {})
    fake.api_version = request.headers.get("Stripe-Version") or fake.api_version
    key = request.headers.get("Idempotency-Key")
    fingerprint = json.dumps(data, sort_keys=True)
    if key and key in fake._idempotent:
        first_fingerprint, first_body = fake._idempotent[key]
        if first_fingerprint != fingerprint:
            error = _error(
                400,
                "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            )
            error.body["error"]["type"] = "idempotency_error"
            raise error
        # Stripe replays the first answer, byte for byte in spirit: same session, same fields as then.
        return ls_server.json_response(first_body, headers={"Idempotent-Replayed": "true"})
    expand = data.pop("expand", None)
    params = _parse_session_params(data)
    session = CheckoutSession(params=params, url_base=fake.base_url)
    body = _export_session(session, expand)
    if key:
        fake._idempotent[key] = (fingerprint, body)
    return ls_server.json_response(body)


async def _retrieve_session(request: web.Request) -> web.Response:
    fake = _current()
    fake.api_version = request.headers.get("Stripe-Version") or fake.api_version
    session = _session_or_404(request.match_info["id"])
    expand = ls_server.unflatten_data(request.query).get("expand")
    return ls_server.json_response(_export_session(session, expand))


async def _session_line_items(request: web.Request) -> web.Response:
    session = _session_or_404(request.match_info["id"])
    return ls_server.json_response(session._line_items_list())


async def _expire_session(request: web.Request) -> web.Response:
    fake = _current()
    session = _session_or_404(request.match_info["id"])
    if session.status != "open":
        raise _error(400, 'Only Checkout Sessions with a status in ["open"] can be expired.')
    session.status = "expired"
    session.url = None
    body = session._export()
    await _deliver(fake, _event(fake, "checkout.session.expired", session))
    return ls_server.json_response(body)


async def _retrieve_dispute(request: web.Request) -> web.Response:
    dispute = store.get(f"{Dispute.object}:{request.match_info['id']}")
    if dispute is None:
        raise _error(404, f"No such dispute: '{request.match_info['id']}'", param="dispute", code="resource_missing")
    return ls_server.json_response(dispute._export())


# --------------------------------------------------------------------------------------------------------------------
# Test-only control routes.


async def _set_webhook(request: web.Request) -> web.Response:
    fake = _current()
    data = await _params(request)
    url = data.get("url") or None
    if url is not None and not str(url).startswith(("http://", "https://")):
        raise _error(400, "url must be an http(s) URL", param="url")
    fake.webhook_url = url
    if data.get("secret"):
        fake.secret = str(data["secret"])
    return ls_server.json_response({"url": fake.webhook_url, "secret": fake.secret})


async def _reset(request: web.Request) -> web.Response:
    _current()._reset_state()
    return ls_server.json_response({"reset": True})


async def _list_events(request: web.Request) -> web.Response:
    fake = _current()
    return ls_server.json_response(
        [
            {"id": r.id, "type": r.type, "url": r.url, "status": r.status, "error": r.error, "event": r.event}
            for r in fake._posted
        ]
    )


async def _show_session(request: web.Request) -> web.Response:
    session = _session_or_404(request.match_info["id"])
    return ls_server.json_response({"session": _export_session(session, ["line_items"]), "charge": _charge_id(session)})


async def _complete_session(request: web.Request) -> web.Response:
    fake = _current()
    data = await _params(request)
    session = _session_or_404(request.match_info["id"])
    _complete(session, paid=_bool_param(data.get("paid"), "paid", default=True))
    return _event_response(await _deliver(fake, _event(fake, "checkout.session.completed", session)))


async def _async_payment(request: web.Request) -> web.Response:
    fake = _current()
    session = _session_or_404(request.match_info["id"])
    outcome = request.match_info["outcome"]
    if session.status != "complete" or session.payment_status != "unpaid" or session._async_settled:
        raise _error(400, f"Checkout Session {session.id} is not waiting for a delayed payment.")
    intent = PaymentIntent._api_retrieve(session.payment_intent)
    if outcome == "async_payment_succeeded":
        _pay(intent)
        session.payment_status = "paid"
    else:
        PaymentIntent._api_cancel(intent.id)
    session._async_settled = True
    return _event_response(await _deliver(fake, _event(fake, f"checkout.session.{outcome}", session)))


async def _refund_charge(request: web.Request) -> web.Response:
    fake = _current()
    data = await _params(request)
    charge = _charge_or_404(request.match_info["id"])
    if charge.status != "succeeded":
        raise _error(400, f"Charge {charge.id} did not succeed; there is nothing to refund.", param="charge")
    remaining = charge.amount - charge.amount_refunded
    if remaining <= 0:
        raise _error(400, f"Charge {charge.id} has already been refunded.", code="charge_already_refunded")
    amount = remaining if data.get("amount") in (None, "") else _int_param(data["amount"], "amount", minimum=1)
    if amount > remaining:
        raise _error(
            400,
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
            param="amount",
            code="amount_too_large",
        )
    previous = {"amount_refunded": charge.amount_refunded, "refunded": charge.refunded}
    Refund(charge=charge.id, amount=amount)
    return _event_response(await _deliver(fake, _event(fake, "charge.refunded", charge, previous)))


async def _dispute_charge(request: web.Request) -> web.Response:
    fake = _current()
    data = await _params(request)
    charge = _charge_or_404(request.match_info["id"])
    if charge.status != "succeeded":
        raise _error(400, f"Charge {charge.id} did not succeed; it cannot be disputed.", param="charge")
    if getattr(charge, "disputed", False):
        raise _error(400, f"Charge {charge.id} is already disputed.", code="charge_disputed")
    amount = charge.amount if data.get("amount") in (None, "") else _int_param(data["amount"], "amount", minimum=1)
    dispute = Dispute(charge=charge, amount=min(amount, charge.amount), reason=str(data.get("reason") or "fraudulent"))
    charge.disputed = True
    return _event_response(await _deliver(fake, _event(fake, "charge.dispute.created", dispute)))


async def _close_dispute(request: web.Request) -> web.Response:
    fake = _current()
    data = await _params(request)
    dispute = store.get(f"{Dispute.object}:{request.match_info['id']}")
    if dispute is None:
        raise _error(404, f"No such dispute: '{request.match_info['id']}'", param="dispute", code="resource_missing")
    status = data.get("status") or "lost"
    if status not in ("won", "lost"):
        raise _error(400, "status must be won or lost", param="status")
    if dispute.status in ("won", "lost"):
        raise _error(400, f"Dispute {dispute.id} is already closed ({dispute.status}).")
    previous = {"status": dispute.status}
    dispute.status = status
    return _event_response(await _deliver(fake, _event(fake, "charge.dispute.closed", dispute, previous)))


def _money(amount: int, currency: str) -> str:
    if currency.lower() in ZERO_DECIMAL_CURRENCIES:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:.2f} {currency.upper()}"


def _pay_page(session: CheckoutSession, notice: str = "", status: int = 200) -> web.Response:
    esc = html.escape
    items = "".join(
        f"<li>{esc(item['description'])} × {item['quantity']}: "
        f"{esc(_money(item['amount_total'], item['currency']))}</li>"
        for item in session._line_items
    )
    if session.status == "open":
        action = f'<form method="post" action="/_test/pay/{esc(session.id)}"><button type="submit">Pay</button></form>'
        if session.cancel_url:
            action += f'<p><a href="{esc(session.cancel_url)}">Cancel and go back</a></p>'
    else:
        action = f"<p>This Checkout Session is {esc(session.status)}.</p>"
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay · local Stripe</title></head>'
        f"<body><main><h1>Local Stripe Checkout</h1>{esc(notice) and f'<p>{esc(notice)}</p>'}"
        f'<ul>{items}</ul><p>Total: <strong data-testid="total">'
        f"{esc(_money(session.amount_total, session.currency))}</strong></p>"
        f"{action}</main></body></html>"
    )
    return web.Response(text=page, content_type="text/html", status=status)


async def _show_pay_page(request: web.Request) -> web.Response:
    return _pay_page(_session_or_404(request.match_info["id"]))


async def _submit_pay_page(request: web.Request) -> web.StreamResponse:
    fake = _current()
    session = _session_or_404(request.match_info["id"])
    if session.status == "expired":
        return _pay_page(session, "This session has expired; nothing was charged.", status=400)
    if session.status == "open":
        _complete(session, paid=True)
        await _deliver(fake, _event(fake, "checkout.session.completed", session))
    # A second click (or a reload) lands on the success page again instead of paying twice.
    raise web.HTTPSeeOther(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id))


# --------------------------------------------------------------------------------------------------------------------
# Wiring into localstripe's app. The app is a module global in localstripe and aiohttp freezes it when it first
# runs, so the routes and the middleware swap happen once, at import.

_original_auth_middleware = ls_server.auth_middleware


@web.middleware
async def _auth_except_test_routes(request: web.Request, handler: Any) -> web.StreamResponse:
    # The control routes and the pay page are opened by tests and browsers that hold no API key, like
    # localstripe's own /_config/ routes.
    if request.path.startswith("/_test/"):
        return await handler(request)
    return await _original_auth_middleware(request, handler)


def _no_dump(self: Store) -> None:
    """Keep the store in memory only: localstripe would otherwise pickle it to a fixed /tmp file on every write."""


def _install() -> None:
    Store.dump_to_disk = _no_dump  # type: ignore[method-assign]
    app = ls_server.app
    app.middlewares[app.middlewares.index(_original_auth_middleware)] = _auth_except_test_routes
    router = app.router
    router.add_post("/v1/checkout/sessions", _create_session)
    router.add_get("/v1/checkout/sessions/{id}", _retrieve_session)
    router.add_get("/v1/checkout/sessions/{id}/line_items", _session_line_items)
    router.add_post("/v1/checkout/sessions/{id}/expire", _expire_session)
    router.add_get("/v1/disputes/{id}", _retrieve_dispute)
    router.add_post("/_test/webhook", _set_webhook)
    router.add_post("/_test/reset", _reset)
    router.add_get("/_test/events", _list_events)
    router.add_get("/_test/checkout/sessions/{id}", _show_session)
    router.add_post("/_test/checkout/sessions/{id}/complete", _complete_session)
    router.add_post(
        "/_test/checkout/sessions/{id}/{outcome:async_payment_succeeded|async_payment_failed}", _async_payment
    )
    router.add_post("/_test/charges/{id}/refund", _refund_charge)
    router.add_post("/_test/charges/{id}/dispute", _dispute_charge)
    router.add_post("/_test/disputes/{id}/close", _close_dispute)
    router.add_get("/_test/pay/{id}", _show_pay_page)
    router.add_post("/_test/pay/{id}", _submit_pay_page)


_install()


# --------------------------------------------------------------------------------------------------------------------
# The server's event loop. aiohttp binds an Application to the first loop that runs it, so one loop (in a daemon
# thread) serves the process and a FakeStripe can be stopped and started again.

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()
_active: FakeStripe | None = None


def _shared_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="fake-stripe", daemon=True).start()
            _loop = loop
        return _loop


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run_coroutine_threadsafe(coro, _shared_loop()).result(timeout=60)


class FakeStripe:
    """A local Stripe for tests. `start()` it, point STRIPE_API_BASE at `base_url`, set `webhook_url`.

    State (sessions, charges, events, idempotency keys) lives in memory until `reset()`.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, secret: str = DEFAULT_WEBHOOK_SECRET) -> None:
        self.host = host
        self.port = port
        self.base_url = ""
        self.webhook_url: str | None = None
        self.secret = secret
        self.api_version = FALLBACK_API_VERSION
        self._default_secret = secret
        self._runner: web.AppRunner | None = None
        self._posted: list[PostedEvent] = []
        self._idempotent: dict[str, tuple[str, dict[str, Any]]] = {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # lifecycle

    def start(self) -> FakeStripe:
        global _active
        if _active is not None:
            raise RuntimeError("A FakeStripe is already running in this process (localstripe has one global store).")

        async def up() -> web.AppRunner:
            runner = web.AppRunner(ls_server.app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, self.host, self.port).start()
            return runner

        self._runner = _run(up())
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        _active = self
        self.reset()
        return self

    def stop(self) -> None:
        global _active
        if self._runner is not None:
            _run(self._runner.cleanup())
            self._runner = None
        if _active is self:
            _active = None

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every object, event and idempotency key, and the webhook target; keep serving."""

        async def on_loop() -> None:
            self._reset_state()

        _run(on_loop())

    def _reset_state(self) -> None:
        store.clear()
        ls_webhooks._webhooks.clear()
        self._posted.clear()
        self._idempotent.clear()
        self.webhook_url = None
        self.secret = self._default_secret
        self.api_version = FALLBACK_API_VERSION

    # webhook target and what was sent to it

    def set_webhook(self, url: str | None, secret: str | None = None) -> None:
        self.webhook_url = url
        if secret:
            self.secret = secret

    @property
    def events_posted(self) -> list[PostedEvent]:
        """Every event the fake has signed so far, oldest first, delivered or not (no webhook_url set)."""
        return list(self._posted)

    # test controls (through the fake's own HTTP routes, so state changes happen on the server's loop)

    def session(self, session_id: str) -> dict[str, Any]:
        return self._control("GET", f"/_test/checkout/sessions/{session_id}")["session"]

    def charge_id(self, session_id: str) -> str | None:
        return self._control("GET", f"/_test/checkout/sessions/{session_id}")["charge"]

    def complete(self, session_id: str, paid: bool = True) -> dict[str, Any]:
        """Finish checkout (paid, or left unpaid as a delayed payment would be) and post checkout.session.completed."""
        return self._control("POST", f"/_test/checkout/sessions/{session_id}/complete", {"paid": str(paid).lower()})

    def async_payment_succeeded(self, session_id: str) -> dict[str, Any]:
        return self._control("POST", f"/_test/checkout/sessions/{session_id}/async_payment_succeeded")

    def async_payment_failed(self, session_id: str) -> dict[str, Any]:
        return self._control("POST", f"/_test/checkout/sessions/{session_id}/async_payment_failed")

    def expire(self, session_id: str) -> dict[str, Any]:
        """Expire an open session through the real API route (as the app would) and post checkout.session.expired."""
        return self._control("POST", f"/v1/checkout/sessions/{session_id}/expire")

    def refund(self, charge_id: str, amount: int | None = None) -> dict[str, Any]:
        params = {} if amount is None else {"amount": str(amount)}
        return self._control("POST", f"/_test/charges/{charge_id}/refund", params)

    def dispute(self, charge_id: str, amount: int | None = None, reason: str = "fraudulent") -> dict[str, Any]:
        params = {"reason": reason} if amount is None else {"reason": reason, "amount": str(amount)}
        return self._control("POST", f"/_test/charges/{charge_id}/dispute", params)

    def close_dispute(self, dispute_id: str, status: str = "lost") -> dict[str, Any]:
        return self._control("POST", f"/_test/disputes/{dispute_id}/close", {"status": status})

    def _control(self, method: str, path: str, params: dict[str, str] | None = None) -> Any:
        if not self.base_url:
            raise RuntimeError("FakeStripe is not started")
        data = urllib.parse.urlencode(params or {}).encode("ascii") if method == "POST" else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if path.startswith("/v1/"):
            request.add_header("Authorization", f"Bearer {CONTROL_API_KEY}")
        try:
            with self._opener.open(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise FakeStripeError(exc.code, exc.read().decode("utf-8", "replace")) from None


def main() -> None:
    """Run the fake by hand: `python -m tests.stripe_fake.server --port 8421 --webhook-url http://…/stripe/webhook`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8421)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--secret", default=DEFAULT_WEBHOOK_SECRET)
    args = parser.parse_args()
    fake = FakeStripe(port=args.port, secret=args.secret).start()
    fake.set_webhook(args.webhook_url)
    print(f"fake Stripe on {fake.base_url} (STRIPE_API_BASE), webhook → {fake.webhook_url}, secret {fake.secret}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
