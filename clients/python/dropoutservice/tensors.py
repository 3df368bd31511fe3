"""Conversions between dropout.v1.Tensor and numpy arrays (when numpy is importable) or lists.

With numpy, tensors travel as raw little-endian float32 bytes (``Tensor.raw``): one memcpy each
way. Without numpy, they travel as packed ``repeated float`` and come back as nested lists.
"""

from __future__ import annotations

from typing import Any, Sequence

from ._pb.dropout.v1 import tensor_pb2

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

HAVE_NUMPY = np is not None


def to_tensor(values: Any, *, use_numpy: bool = HAVE_NUMPY, rank2: bool = True) -> tensor_pb2.Tensor:
    """Builds a Tensor from a numpy array, a list of rows, or a flat list.

    A flat sequence becomes one row of shape [1, n] when ``rank2`` (inputs are batches), and a
    rank-1 tensor of shape [n] otherwise.
    """
    if isinstance(values, tensor_pb2.Tensor):
        return values
    if use_numpy and np is not None:
        arr = np.ascontiguousarray(values, dtype="<f4")
        if arr.ndim == 1 and rank2:
            arr = arr.reshape(1, -1)
        if arr.ndim not in (1, 2):
            raise ValueError(f"tensors must have rank 1 or 2, got shape {arr.shape}")
        return tensor_pb2.Tensor(shape=list(arr.shape), raw=arr.tobytes())
    rows = _as_rows(values)
    if rows is None:  # flat
        flat = [float(v) for v in values]
        shape = [1, len(flat)] if rank2 else [len(flat)]
    else:
        width = len(rows[0]) if rows else 0
        if any(len(r) != width for r in rows):
            raise ValueError("all rows must have the same length")
        flat = [float(v) for r in rows for v in r]
        shape = [len(rows), width]
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
    if len(shape) == 2:
        cols = shape[1]
        return [flat[i * cols:(i + 1) * cols] for i in range(shape[0])]
    return flat


def _as_rows(values: Any):
    """Returns values as a list of row lists when it is 2-D, None when it is flat."""
    seq: Sequence = list(values)
    if seq and isinstance(seq[0], (list, tuple)) or (seq and hasattr(seq[0], "__len__") and not isinstance(seq[0], (str, bytes))):
        return [list(r) for r in seq]
    return None

