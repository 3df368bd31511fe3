from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
LOSS_BINARY_CROSS_ENTROPY_WITH_LOGITS: Loss
LOSS_MEAN_SQUARED_ERROR: Loss
LOSS_SOFTMAX_CROSS_ENTROPY: Loss
LOSS_UNSPECIFIED: Loss
OPTIMIZER_ADAM: Optimizer
OPTIMIZER_MOMENTUM: Optimizer
OPTIMIZER_NESTEROV: Optimizer
OPTIMIZER_RMSPROP: Optimizer
OPTIMIZER_SGD: Optimizer
OPTIMIZER_UNSPECIFIED: Optimizer
VERSION_SOURCE_CREATED: VersionSource
VERSION_SOURCE_GRADIENTS_APPLIED: VersionSource
VERSION_SOURCE_TRAINED: VersionSource
VERSION_SOURCE_UNSPECIFIED: VersionSource
WEIGHT_INIT_HE: WeightInit
WEIGHT_INIT_UNSPECIFIED: WeightInit
WEIGHT_INIT_XAVIER: WeightInit

class DenseLayer(_message.Message):
    __slots__ = ["init", "units"]
    INIT_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    init: WeightInit
    units: int
    def __init__(self, units: _Optional[int] = ..., init: _Optional[_Union[WeightInit, str]] = ...) -> None: ...

class DropoutLayer(_message.Message):
    __slots__ = ["rate"]
    RATE_FIELD_NUMBER: _ClassVar[int]
    rate: float
    def __init__(self, rate: _Optional[float] = ...) -> None: ...

class LayerSpec(_message.Message):
    __slots__ = ["dense", "dropout", "leaky_relu", "relu", "sigmoid", "tanh"]
    DENSE_FIELD_NUMBER: _ClassVar[int]
    DROPOUT_FIELD_NUMBER: _ClassVar[int]
    LEAKY_RELU_FIELD_NUMBER: _ClassVar[int]
    RELU_FIELD_NUMBER: _ClassVar[int]
    SIGMOID_FIELD_NUMBER: _ClassVar[int]
    TANH_FIELD_NUMBER: _ClassVar[int]
    dense: DenseLayer
    dropout: DropoutLayer
    leaky_relu: LeakyReluLayer
    relu: ReluLayer
    sigmoid: SigmoidLayer
    tanh: TanhLayer
    def __init__(self, dense: _Optional[_Union[DenseLayer, _Mapping]] = ..., relu: _Optional[_Union[ReluLayer, _Mapping]] = ..., leaky_relu: _Optional[_Union[LeakyReluLayer, _Mapping]] = ..., sigmoid: _Optional[_Union[SigmoidLayer, _Mapping]] = ..., tanh: _Optional[_Union[TanhLayer, _Mapping]] = ..., dropout: _Optional[_Union[DropoutLayer, _Mapping]] = ...) -> None: ...

class LeakyReluLayer(_message.Message):
    __slots__ = ["slope"]
    SLOPE_FIELD_NUMBER: _ClassVar[int]
    slope: float
    def __init__(self, slope: _Optional[float] = ...) -> None: ...

class Model(_message.Message):
    __slots__ = ["create_time_unix_ms", "id", "latest_version", "output_size", "parameter_count", "spec", "training", "update_time_unix_ms", "version_count"]
    CREATE_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LATEST_VERSION_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SIZE_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_COUNT_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    TRAINING_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    VERSION_COUNT_FIELD_NUMBER: _ClassVar[int]
    create_time_unix_ms: int
    id: str
    latest_version: int
    output_size: int
    parameter_count: int
    spec: ModelSpec
    training: bool
    update_time_unix_ms: int
    version_count: int
    def __init__(self, id: _Optional[str] = ..., spec: _Optional[_Union[ModelSpec, _Mapping]] = ..., parameter_count: _Optional[int] = ..., output_size: _Optional[int] = ..., latest_version: _Optional[int] = ..., version_count: _Optional[int] = ..., create_time_unix_ms: _Optional[int] = ..., update_time_unix_ms: _Optional[int] = ..., training: bool = ...) -> None: ...

class ModelSpec(_message.Message):
    __slots__ = ["input_shape", "input_size", "layers", "loss", "seed"]
    INPUT_SHAPE_FIELD_NUMBER: _ClassVar[int]
    INPUT_SIZE_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    input_shape: _containers.RepeatedScalarFieldContainer[int]
    input_size: int
    layers: _containers.RepeatedCompositeFieldContainer[LayerSpec]
    loss: Loss
    seed: int
    def __init__(self, input_size: _Optional[int] = ..., layers: _Optional[_Iterable[_Union[LayerSpec, _Mapping]]] = ..., loss: _Optional[_Union[Loss, str]] = ..., seed: _Optional[int] = ..., input_shape: _Optional[_Iterable[int]] = ...) -> None: ...

class ModelVersion(_message.Message):
    __slots__ = ["create_time_unix_ms", "epochs", "optimizer", "parent_version", "size_bytes", "source", "steps", "train_loss", "validation_accuracy", "validation_loss", "version"]
    CREATE_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    OPTIMIZER_FIELD_NUMBER: _ClassVar[int]
    PARENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    TRAIN_LOSS_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_ACCURACY_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_LOSS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    create_time_unix_ms: int
    epochs: int
    optimizer: Optimizer
    parent_version: int
    size_bytes: int
    source: VersionSource
    steps: int
    train_loss: float
    validation_accuracy: float
    validation_loss: float
    version: int
    def __init__(self, version: _Optional[int] = ..., source: _Optional[_Union[VersionSource, str]] = ..., parent_version: _Optional[int] = ..., create_time_unix_ms: _Optional[int] = ..., epochs: _Optional[int] = ..., steps: _Optional[int] = ..., train_loss: _Optional[float] = ..., validation_loss: _Optional[float] = ..., validation_accuracy: _Optional[float] = ..., optimizer: _Optional[_Union[Optimizer, str]] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class ReluLayer(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class SigmoidLayer(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class TanhLayer(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class WeightInit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Loss(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class VersionSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Optimizer(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
