"""Exceptions raised by the DropoutService client.

Every failed call raises a :class:`DropoutServiceError` (or one of its subclasses, chosen by the
gRPC status code). The server puts a ``google.rpc.Status`` in the ``grpc-status-details-bin``
trailer; its ``google.rpc.BadRequest`` field violations are decoded into
:attr:`DropoutServiceError.field_violations` so a caller can see which field broke which rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import grpc

try:  # googleapis-common-protos, when installed, owns the google.rpc names: use it.
    from google.rpc import error_details_pb2 as _error_details_pb2
    from google.rpc import status_pb2 as _status_pb2
except ImportError:  # Debian ships no Python googleapis protos: wire-compatible copies.
    from ._pb.google.rpc import error_details_pb2 as _error_details_pb2
    from ._pb.google.rpc import status_pb2 as _status_pb2

_DETAILS_KEY = "grpc-status-details-bin"
_TYPE_PREFIX = "type.googleapis.com/"


@dataclass(frozen=True)
class FieldViolation:
    """One invalid request field: its path (e.g. ``spec.layers[2].dropout.rate``) and the rule."""

    field: str
    description: str
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.field}: {self.description}"


class DropoutServiceError(Exception):
    """A failed DropoutService call.

    Attributes:
        code: the :class:`grpc.StatusCode`.
        message: the server's status message.
        field_violations: the ``google.rpc.BadRequest`` field violations (may be empty).
        status: the decoded ``google.rpc.Status`` message, or ``None`` when the server sent none.
        details: the decoded typed details (``BadRequest``, ``ErrorInfo``, ...), in order.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        field_violations: Sequence[FieldViolation] = (),
        status=None,
        details: Sequence[object] = (),
    ):
        self.code = code
        self.message = message
        self.field_violations: List[FieldViolation] = list(field_violations)
        self.status = status
        self.details = list(details)
        text = f"{code.name}: {message}"
        if self.field_violations:
            text += " [" + "; ".join(str(v) for v in self.field_violations) + "]"
        super().__init__(text)

    @property
    def reason(self) -> str:
        """The ``google.rpc.ErrorInfo`` reason, if the server sent one (auth failures do), else ""."""
        for d in self.details:
            if type(d).__name__ == "ErrorInfo":
                return d.reason
        return ""

    @property
    def required_role(self) -> str:
        """For PERMISSION_DENIED: the role the method needs (``ErrorInfo`` metadata), else ""."""
        for d in self.details:
            if type(d).__name__ == "ErrorInfo":
                return d.metadata.get("required_role", "")
        return ""

    def violation(self, field: str) -> Optional[FieldViolation]:
        """The first violation whose field path equals or ends with ``field``, or ``None``."""
        for v in self.field_violations:
            if v.field == field or v.field.endswith("." + field):
                return v
        return None


class InvalidArgumentError(DropoutServiceError):
    """INVALID_ARGUMENT: the request broke a rule; see :attr:`field_violations`."""


class ClientValidationError(InvalidArgumentError, ValueError):
    """A mistake caught by the client before any call: an unknown option, enum value or field.

    It is an :class:`InvalidArgumentError` (code INVALID_ARGUMENT, with a field violation naming
    the option and listing the valid snake_case choices), so one ``except`` handles mistakes
    caught here and those the server reports; it is also a ``ValueError``.
    """

    def __init__(self, field: str, description: str):
        super().__init__(grpc.StatusCode.INVALID_ARGUMENT, "client-side check failed",
                         [FieldViolation(field, description)])


class UnauthenticatedError(DropoutServiceError):
    """UNAUTHENTICATED: no, unknown, revoked or expired key or token, or an untrusted client certificate.

    :attr:`reason` is the server's ``google.rpc.ErrorInfo`` reason (e.g. ``API_KEY_INVALID``).
    """


class PermissionDeniedError(DropoutServiceError):
    """PERMISSION_DENIED: the credentials lack the role the method needs (:attr:`required_role`)."""


class NotFoundError(DropoutServiceError):
    """NOT_FOUND: no such model, version or dataset."""


class AlreadyExistsError(DropoutServiceError):
    """ALREADY_EXISTS: a model with this id exists."""


class FailedPreconditionError(DropoutServiceError):
    """FAILED_PRECONDITION: e.g. a training is already running on the model."""


class ResourceExhaustedError(DropoutServiceError):
    """RESOURCE_EXHAUSTED: a configured server limit was hit."""


class DeadlineExceededError(DropoutServiceError):
    """DEADLINE_EXCEEDED: the call's deadline passed."""


class CancelledError(DropoutServiceError):
    """CANCELLED: the call was cancelled."""


class UnavailableError(DropoutServiceError):
    """UNAVAILABLE: the server is unreachable or shutting down."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.CANCELLED: CancelledError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
}

_DETAIL_TYPES = {
    "google.rpc.BadRequest": _error_details_pb2.BadRequest,
    "google.rpc.ErrorInfo": _error_details_pb2.ErrorInfo,
    "google.rpc.RetryInfo": _error_details_pb2.RetryInfo,
    "google.rpc.QuotaFailure": _error_details_pb2.QuotaFailure,
    "google.rpc.PreconditionFailure": _error_details_pb2.PreconditionFailure,
    "google.rpc.ResourceInfo": _error_details_pb2.ResourceInfo,
    "google.rpc.RequestInfo": _error_details_pb2.RequestInfo,
}


def _decode_details(trailers: Optional[Sequence[Tuple[str, object]]]):
    """Decodes the google.rpc.Status trailer into (status, details, violations)."""
    for key, value in trailers or ():
        if key != _DETAILS_KEY:
            continue
        status = _status_pb2.Status.FromString(value)
        details: List[object] = []
        violations: List[FieldViolation] = []
        for any_msg in status.details:
            type_name = any_msg.type_url[len(_TYPE_PREFIX):] if any_msg.type_url.startswith(_TYPE_PREFIX) \
                else any_msg.type_url.rsplit("/", 1)[-1]
            cls = _DETAIL_TYPES.get(type_name)
            if cls is None:
                details.append(any_msg)  # unknown detail type: keep the Any
                continue
            detail = cls.FromString(any_msg.value)
            details.append(detail)
            if type_name == "google.rpc.BadRequest":
                violations.extend(
                    FieldViolation(v.field, v.description, getattr(v, "reason", ""))
                    for v in detail.field_violations
                )
        return status, details, violations
    return None, [], []


def from_rpc_error(error: grpc.RpcError) -> DropoutServiceError:
    """Converts a grpc.RpcError (a grpc.Call) into the matching DropoutServiceError subclass."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    status, details, violations = _decode_details(trailers)
    cls = _BY_CODE.get(code, DropoutServiceError)
    return cls(code, message or "", violations, status, details)
