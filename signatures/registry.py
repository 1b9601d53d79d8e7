"""Which actions of which models are signed, and what their signers sign.

An app above ``signatures`` (orders, acts, payments) registers each signable action once, in its
``AppConfig.ready``::

    register_signable(Contract, "sign", contract_signing_facts)

where ``contract_signing_facts(contract, actor) -> SigningFacts`` states, from the object as it
stands now, what the payload binds: the document's sha256, the amount, the hash of the lines, the
current and the next status. The provider raises a ``DomainError`` when ``actor`` may not take the
action now (role, status), so that no payload is issued for an action that cannot happen.
The same provider is called when the payload is issued and again, under the row lock, when the
signature is posted: a payload whose facts changed in between is refused as stale.

``signatures`` imports none of those apps: they call it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from signatures.errors import refusal


@dataclass(frozen=True)
class SigningFacts:
    """What one action on one object means, as of now (the signer and the nonce are added by the payload)."""

    from_status: str
    to_status: str
    reference: str = ""  # how people name the object: "contract 71-2025-0001", "act 2025-11 of …"
    document_sha256: str | None = None
    amount: Decimal | None = None
    lines_sha256: str | None = None
    school_id: int | None = None  # the object's school and region: who may later see the signature
    region_id: str | None = None


FactsProvider = Callable[[Any, Any], SigningFacts]

_registry: dict[tuple[str, str], FactsProvider] = {}


def _key(model_or_obj) -> str:
    return model_or_obj._meta.label_lower


def register_signable(model: type[models.Model], action: str, provider: FactsProvider) -> None:
    """Declare that ``action`` on ``model`` is signed; ``provider(obj, actor)`` gives its facts."""
    _registry[(_key(model), action)] = provider


def unregister_signable(model: type[models.Model], action: str) -> None:
    _registry.pop((_key(model), action), None)


def signable_actions(model: type[models.Model]) -> list[str]:
    label = _key(model)
    return sorted(action for model_label, action in _registry if model_label == label)


def signing_facts(*, obj, action: str, actor) -> SigningFacts:
    """The facts of ``action`` on ``obj`` for ``actor`` now; refuses an action that is not signed."""
    provider = _registry.get((_key(obj), action))
    if provider is None:
        raise refusal("not_signable", field="action", action=action)
    return provider(obj, actor)
