"""Plain-dict model specs and training options -> dropout.v1 messages.

A spec is a dict such as::

    {"input_size": 64,
     "layers": [{"dense": 128}, "relu", {"dropout": 0.2}, {"dense": 10}],
     "loss": "softmax_cross_entropy",
     "seed": 1}

or, for inputs that are not flat vectors, with the shape of one sample (no batch dimension;
NCHW, so ``[channels, height, width]`` for images) instead of ``input_size``::

    {"input_shape": (1, 8, 8), "layers": [...], ...}

``input_shape`` may be any sequence of ints (a numpy shape such as ``x.shape[1:]`` works) or a
single int (``[n]``). Inputs for such a model are numpy arrays of shape ``(N, *input_shape)`` or
``(N, prod(input_shape))``.

Layers are a layer name (``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"leaky_relu"``), a one-key dict
whose value is the layer's main setting (``{"dense": 128}``, ``{"dropout": 0.5}``,
``{"leaky_relu": 0.1}``) or its full settings (``{"dense": {"units": 128, "init": "xavier"}}``),
or a dict with a ``"type"`` key (``{"type": "dense", "units": 128}``). Enum values may be given
without their prefix and in lower case (``"adam"`` for ``OPTIMIZER_ADAM``). Any field of the
proto messages is accepted under its proto or JSON name.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

from . import validation as _validation
from .errors import ClientValidationError
from ._pb.dropout.v1 import model_pb2, training_service_pb2

_MAIN_SETTING = {"dense": "units", "dropout": "rate", "leaky_relu": "slope"}
_LOSS_ALIASES = {
    "cross_entropy": "SOFTMAX_CROSS_ENTROPY",
    "softmax": "SOFTMAX_CROSS_ENTROPY",
    "mse": "MEAN_SQUARED_ERROR",
    "bce": "BINARY_CROSS_ENTROPY_WITH_LOGITS",
    "binary_cross_entropy": "BINARY_CROSS_ENTROPY_WITH_LOGITS",
}


def _enum(value: Any, prefix: str, aliases: Mapping[str, str] = {}) -> Any:
    if not isinstance(value, str):
        return value
    name = aliases.get(value.lower(), value).upper()
    return name if name.startswith(prefix) else prefix + name


def _layer(layer: Any) -> Dict[str, Any]:
    if isinstance(layer, str):
        return {layer: {}}
    if not isinstance(layer, Mapping):
        raise ClientValidationError("layers", f"a layer must be a name or a dict, got {layer!r}")
    layer = dict(layer)
    if "type" in layer:
        kind = layer.pop("type")
        return _layer({kind: layer})
    if len(layer) != 1:
        raise ClientValidationError("layers", f"a layer dict must have exactly one key (its type), got {sorted(layer)}")
    kind, settings = next(iter(layer.items()))
    if settings is None:
        settings = {}
    elif not isinstance(settings, Mapping):
        if kind not in _MAIN_SETTING:
            kinds = _validation.field_names(model_pb2.LayerSpec.DESCRIPTOR)
            problem = "takes no scalar setting" if kind in kinds else "is not a layer type; valid: " + ", ".join(kinds)
            raise ClientValidationError("layers", f"layer {kind!r} {problem}")
        settings = {_MAIN_SETTING[kind]: settings}
    settings = dict(settings)
    if "init" in settings:
        settings["init"] = _enum(settings["init"], "WEIGHT_INIT_")
    return {kind: settings}


def model_spec(spec: Any) -> model_pb2.ModelSpec:
    """Builds a ModelSpec from a dict (or returns a ModelSpec unchanged)."""
    if isinstance(spec, model_pb2.ModelSpec):
        return spec
    d = dict(spec)
    d["layers"] = [_layer(l) for l in d.get("layers", [])]
    shape = d.pop("input_shape", d.pop("inputShape", None))
    if shape is not None:
        d["input_shape"] = [int(shape)] if isinstance(shape, int) else [int(s) for s in shape]
    if "loss" in d:
        d["loss"] = _enum(d["loss"], "LOSS_", _LOSS_ALIASES)
    return _validation.parse(d, model_pb2.ModelSpec(), "spec")


def training_options(options: Mapping[str, Any]) -> training_service_pb2.TrainingOptions:
    """Builds TrainingOptions from keyword-style settings.

    ``optimizer`` is a name (``"adam"``) or a dict (``{"kind": "momentum", "momentum": 0.9}``);
    ``schedule`` is a name (``"cosine"``) or a dict (``{"kind": "step", "step_epochs": 5}``).
    Options left out (or None) keep the server defaults.
    """
    d = {k: v for k, v in options.items() if v is not None}
    opt = d.get("optimizer")
    if isinstance(opt, str):
        opt = {"kind": opt}
    if opt is not None:
        opt = dict(opt)
        opt["kind"] = _enum(opt.get("kind", "SGD"), "OPTIMIZER_")
        d["optimizer"] = opt
    sched = d.get("schedule")
    if isinstance(sched, str):
        sched = {"kind": sched}
    if sched is not None:
        sched = dict(sched)
        sched["kind"] = _enum(sched.get("kind", "CONSTANT"), "SCHEDULE_KIND_")
        d["schedule"] = sched
    return _validation.parse(d, training_service_pb2.TrainingOptions(), "options")


def forward_mode(mode: Any) -> int:
    """Maps "train" / "eval" / "mc_dropout" (or a ForwardMode value) to the enum number."""
    from ._pb.dropout.v1 import inference_service_pb2

    return _validation.enum_value(mode, inference_service_pb2.ForwardMode.DESCRIPTOR, "mode")
