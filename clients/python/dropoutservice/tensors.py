"""Conversions between dropout.v1.Tensor and numpy arrays (when numpy is importable) or lists.

With numpy, tensors travel as raw little-endian float32 bytes (``Tensor.raw``): one memcpy each
way. Without numpy, they travel as packed ``repeated float`` and come back as nested lists.
Tensors of any rank up to 8 are supported: a batch of images is an NCHW array
``(N, channels, height, width)``, and comes back with its shape.
"""

from __future__ import annotations

from typing import Any, List, Sequence

from ._pb.dropout.v1 import tensor_pb2

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

HAVE_NUMPY = np is not None


MAX_RANK = 8


def to_tensor(values: Any, *, use_numpy: bool = HAVE_NUMPY, rank2: bool = True) -> tensor_pb2.Tensor:
    """Builds a Tensor from a numpy array or (nested) lists of any rank up to 8, row-major.

    A flat sequence becomes one row of shape [1, n] when ``rank2`` (inputs are batches), and a
    rank-1 tensor of shape [n] otherwise. Deeper arrays keep their shape, e.g. an NCHW batch of
    images ``(N, C, H, W)``.
    """
    if isinstance(values, tensor_pb2.Tensor):
        return values
    if use_numpy and np is not None:
        arr = np.ascontiguousarray(values, dtype="<f4")
        if arr.ndim == 1 and rank2:
            arr = arr.reshape(1, -1)
        if not 1 <= arr.ndim <= MAX_RANK:
            raise ValueError(f"tensors must have rank 1 to {MAX_RANK}, got shape {arr.shape}")
        return tensor_pb2.Tensor(shape=list(arr.shape), raw=arr.tobytes())
    shape = _nested_shape(values)
    if not 1 <= len(shape) <= MAX_RANK:
        raise ValueError(f"tensors must have rank 1 to {MAX_RANK}, got shape {shape}")
    flat = [float(v) for v in _flatten(values, len(shape))]
    if len(shape) == 1 and rank2:
        shape = [1, shape[0]]
    return tensor_pb2.Tensor(shape=shape, values=tensor_pb2.FloatList(values=flat))


def from_tensor(tensor: tensor_pb2.Tensor, *, use_numpy: bool = HAVE_NUMPY):
    """Decodes a Tensor into a float32 numpy array of its shape, or nested lists without numpy.

    Returns None for an unset tensor.
    """
    shape = list(tensor.shape)
    which = tensor.WhichOneof("data")
    if which is None and not shape:
        return None
    if use_numpy and np is not None:
        if which == "raw":
            arr = np.frombuffer(tensor.raw, dtype="<f4").astype(np.float32)
        else:
            arr = np.asarray(tensor.values.values, dtype=np.float32)
        return arr.reshape(shape) if shape else arr
    if which == "raw":
        import struct

        count = len(tensor.raw) // 4
        flat = list(struct.unpack(f"<{count}f", tensor.raw))
    else:
        flat = list(tensor.values.values)
    return _nest(flat, shape) if len(shape) >= 2 else flat


def flat_row(sample: Any) -> List[float]:
    """One sample of any rank as a flat list, row-major."""
    if not _is_sequence(sample):
        return [float(sample)]
    return [float(v) for v in _flatten(sample, len(_nested_shape(sample)))]


def _is_sequence(value: Any) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes))


def _nested_shape(values: Any) -> List[int]:
    """The shape of nested sequences, checking that every level is rectangular."""
    seq: Sequence = list(values)
    if not seq or not _is_sequence(seq[0]):
        if any(_is_sequence(v) for v in seq):
            raise ValueError("all rows must have the same length")
        return [len(seq)]
    inner = [_nested_shape(v) for v in seq]
    if any(s != inner[0] for s in inner):
        raise ValueError("all rows must have the same length")
    return [len(seq)] + inner[0]


def _flatten(values: Any, depth: int):
    if depth == 1:
        yield from values
        return
    for v in values:
        yield from _flatten(v, depth - 1)


def _nest(flat: List[float], shape: List[int]):
    if len(shape) == 1:
        return flat
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]

