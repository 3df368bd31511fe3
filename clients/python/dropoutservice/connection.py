"""Where and how to connect: the default address, credentials from the environment, TLS files.

The server listens on ``localhost:50051`` by default; ``DROPOUTSERVICE_ADDRESS`` overrides it for
every client and example. An API key (``DROPOUTSERVICE_API_KEY``) or a JWT
(``DROPOUTSERVICE_TOKEN``) is sent as ``authorization: Bearer <credential>`` on every call.
"""

from __future__ import annotations

import os
from typing import Any, List, Optional, Sequence, Tuple, Union

DEFAULT_ADDRESS = "localhost:50051"
ADDRESS_ENV = "DROPOUTSERVICE_ADDRESS"
API_KEY_ENV = "DROPOUTSERVICE_API_KEY"
TOKEN_ENV = "DROPOUTSERVICE_TOKEN"

# gRPC's default reconnect back-off starts at 1 s and grows by 1.6x up to 120 s: a client that
# starts with (or outlives) its server waits up to the next step after the server is back
# (10-16 s observed after a 1-2 s start). Short steps, capped at 2 s, reconnect within ~2 s.
RECONNECT_OPTIONS: Tuple[Tuple[str, int], ...] = (
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 2000),
)

Pem = Union[bytes, str, os.PathLike, None]


def resolve_target(target: Optional[str]) -> str:
    """``target``, else ``$DROPOUTSERVICE_ADDRESS``, else ``localhost:50051``."""
    return target or os.environ.get(ADDRESS_ENV) or DEFAULT_ADDRESS


def bearer_metadata(api_key: Optional[str], token: Optional[str], use_env: bool = True) -> List[Tuple[str, str]]:
    """The ``authorization`` metadata for an API key or a token (explicit first, then the environment)."""
    from .errors import ClientValidationError

    if api_key and token:
        raise ClientValidationError("api_key", "give an API key or a token, not both")
    if use_env and not api_key and not token:
        api_key = os.environ.get(API_KEY_ENV) or None
        token = None if api_key else os.environ.get(TOKEN_ENV) or None
    credential = api_key or token
    if credential is None:
        return []
    credential = credential.strip()
    if not credential or any(c.isspace() for c in credential):
        raise ClientValidationError("api_key" if api_key else "token", "must be a non-empty string without spaces")
    return [("authorization", "Bearer " + credential)]


def read_pem(value: Pem, name: str) -> Optional[bytes]:
    """PEM bytes as given, or read from a file path."""
    if value is None or isinstance(value, bytes):
        return value
    from .errors import ClientValidationError

    try:
        with open(value, "rb") as f:
            return f.read()
    except OSError as e:
        raise ClientValidationError(name, f"cannot read {value!r}: {e.strerror}") from None


def channel_options(max_message_bytes: int, extra: Sequence[Tuple[str, Any]]) -> List[Tuple[str, Any]]:
    """Message limits and reconnect back-off; ``extra`` options win."""
    options = [
        ("grpc.max_send_message_length", max_message_bytes),
        ("grpc.max_receive_message_length", max_message_bytes),
        *RECONNECT_OPTIONS,
    ]
    overridden = {k for k, _ in extra}
    return [o for o in options if o[0] not in overridden] + list(extra)
