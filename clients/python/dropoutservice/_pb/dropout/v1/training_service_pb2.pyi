from dropoutservice._pb.dropout.v1 import dataset_pb2 as _dataset_pb2
from dropoutservice._pb.dropout.v1 import model_pb2 as _model_pb2
from dropoutservice._pb.dropout.v1 import tensor_pb2 as _tensor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SCHEDULE_KIND_CONSTANT: ScheduleKind
SCHEDULE_KIND_COSINE: ScheduleKind
SCHEDULE_KIND_STEP: ScheduleKind
SCHEDULE_KIND_UNSPECIFIED: ScheduleKind

class ApplyGradientsRequest(_message.Message):
    __slots__ = ["base_version", "gradients", "learning_rate", "model_id", "optimizer"]
    BASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    GRADIENTS_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIMIZER_FIELD_NUMBER: _ClassVar[int]
    base_version: int
    gradients: _containers.RepeatedCompositeFieldContainer[_tensor_pb2.ParameterGradient]
    learning_rate: float
    model_id: str
    optimizer: OptimizerConfig
    def __init__(self, model_id: _Optional[str] = ..., base_version: _Optional[int] = ..., gradients: _Optional[_Iterable[_Union[_tensor_pb2.ParameterGradient, _Mapping]]] = ..., optimizer: _Optional[_Union[OptimizerConfig, _Mapping]] = ..., learning_rate: _Optional[float] = ...) -> None: ...

class ApplyGradientsResponse(_message.Message):
    __slots__ = ["version"]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _model_pb2.ModelVersion
    def __init__(self, version: _Optional[_Union[_model_pb2.ModelVersion, _Mapping]] = ...) -> None: ...

class Dataset(_message.Message):
    __slots__ = ["class_ids", "features", "target_values"]
    CLASS_IDS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    TARGET_VALUES_FIELD_NUMBER: _ClassVar[int]
    class_ids: _containers.RepeatedScalarFieldContainer[int]
    features: _tensor_pb2.Tensor
    target_values: _tensor_pb2.Tensor
    def __init__(self, features: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., class_ids: _Optional[_Iterable[int]] = ..., target_values: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ...) -> None: ...

class EpochProgress(_message.Message):
    __slots__ = ["elapsed_ms", "epoch", "learning_rate", "step", "total_epochs", "train_accuracy", "train_loss", "validation_accuracy", "validation_loss"]
    ELAPSED_MS_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TOTAL_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    TRAIN_ACCURACY_FIELD_NUMBER: _ClassVar[int]
    TRAIN_LOSS_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_ACCURACY_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_LOSS_FIELD_NUMBER: _ClassVar[int]
    elapsed_ms: int
    epoch: int
    learning_rate: float
    step: int
    total_epochs: int
    train_accuracy: float
    train_loss: float
    validation_accuracy: float
    validation_loss: float
    def __init__(self, epoch: _Optional[int] = ..., total_epochs: _Optional[int] = ..., step: _Optional[int] = ..., train_loss: _Optional[float] = ..., train_accuracy: _Optional[float] = ..., validation_loss: _Optional[float] = ..., validation_accuracy: _Optional[float] = ..., learning_rate: _Optional[float] = ..., elapsed_ms: _Optional[int] = ...) -> None: ...

class LearningRateSchedule(_message.Message):
    __slots__ = ["gamma", "kind", "min_learning_rate", "step_epochs"]
    GAMMA_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MIN_LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    STEP_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    gamma: float
    kind: ScheduleKind
    min_learning_rate: float
    step_epochs: int
    def __init__(self, kind: _Optional[_Union[ScheduleKind, str]] = ..., step_epochs: _Optional[int] = ..., gamma: _Optional[float] = ..., min_learning_rate: _Optional[float] = ...) -> None: ...

class OptimizerConfig(_message.Message):
    __slots__ = ["beta1", "beta2", "epsilon", "kind", "momentum", "rho"]
    BETA1_FIELD_NUMBER: _ClassVar[int]
    BETA2_FIELD_NUMBER: _ClassVar[int]
    EPSILON_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MOMENTUM_FIELD_NUMBER: _ClassVar[int]
    RHO_FIELD_NUMBER: _ClassVar[int]
    beta1: float
    beta2: float
    epsilon: float
    kind: _model_pb2.Optimizer
    momentum: float
    rho: float
    def __init__(self, kind: _Optional[_Union[_model_pb2.Optimizer, str]] = ..., momentum: _Optional[float] = ..., rho: _Optional[float] = ..., beta1: _Optional[float] = ..., beta2: _Optional[float] = ..., epsilon: _Optional[float] = ...) -> None: ...

class TrainRequest(_message.Message):
    __slots__ = ["base_version", "dataset", "dataset_id", "model_id", "options", "validation_dataset"]
    BASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    DATASET_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_DATASET_FIELD_NUMBER: _ClassVar[int]
    base_version: int
    dataset: Dataset
    dataset_id: str
    model_id: str
    options: TrainingOptions
    validation_dataset: Dataset
    def __init__(self, model_id: _Optional[str] = ..., base_version: _Optional[int] = ..., dataset: _Optional[_Union[Dataset, _Mapping]] = ..., dataset_id: _Optional[str] = ..., options: _Optional[_Union[TrainingOptions, _Mapping]] = ..., validation_dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class TrainResponse(_message.Message):
    __slots__ = ["completed", "progress"]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    completed: TrainingCompleted
    progress: EpochProgress
    def __init__(self, progress: _Optional[_Union[EpochProgress, _Mapping]] = ..., completed: _Optional[_Union[TrainingCompleted, _Mapping]] = ...) -> None: ...

class TrainingCompleted(_message.Message):
    __slots__ = ["best_epoch", "stopped_early", "version"]
    BEST_EPOCH_FIELD_NUMBER: _ClassVar[int]
    STOPPED_EARLY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    best_epoch: int
    stopped_early: bool
    version: _model_pb2.ModelVersion
    def __init__(self, version: _Optional[_Union[_model_pb2.ModelVersion, _Mapping]] = ..., best_epoch: _Optional[int] = ..., stopped_early: bool = ...) -> None: ...

class TrainingOptions(_message.Message):
    __slots__ = ["batch_size", "early_stopping_min_delta", "early_stopping_patience", "epochs", "learning_rate", "max_norm", "optimizer", "reset_optimizer_state", "restore_best_weights", "schedule", "seed", "validation_split", "weight_decay"]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    EARLY_STOPPING_MIN_DELTA_FIELD_NUMBER: _ClassVar[int]
    EARLY_STOPPING_PATIENCE_FIELD_NUMBER: _ClassVar[int]
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    MAX_NORM_FIELD_NUMBER: _ClassVar[int]
    OPTIMIZER_FIELD_NUMBER: _ClassVar[int]
    RESET_OPTIMIZER_STATE_FIELD_NUMBER: _ClassVar[int]
    RESTORE_BEST_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_SPLIT_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_DECAY_FIELD_NUMBER: _ClassVar[int]
    batch_size: int
    early_stopping_min_delta: float
    early_stopping_patience: int
    epochs: int
    learning_rate: float
    max_norm: float
    optimizer: OptimizerConfig
    reset_optimizer_state: bool
    restore_best_weights: bool
    schedule: LearningRateSchedule
    seed: int
    validation_split: float
    weight_decay: float
    def __init__(self, epochs: _Optional[int] = ..., batch_size: _Optional[int] = ..., learning_rate: _Optional[float] = ..., optimizer: _Optional[_Union[OptimizerConfig, _Mapping]] = ..., schedule: _Optional[_Union[LearningRateSchedule, _Mapping]] = ..., weight_decay: _Optional[float] = ..., max_norm: _Optional[float] = ..., validation_split: _Optional[float] = ..., early_stopping_patience: _Optional[int] = ..., early_stopping_min_delta: _Optional[float] = ..., restore_best_weights: bool = ..., seed: _Optional[int] = ..., reset_optimizer_state: bool = ...) -> None: ...

class UploadDatasetRequest(_message.Message):
    __slots__ = ["class_ids", "feature_count", "feature_shape", "features", "target_values"]
    CLASS_IDS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    FEATURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    FEATURE_SHAPE_FIELD_NUMBER: _ClassVar[int]
    TARGET_VALUES_FIELD_NUMBER: _ClassVar[int]
    class_ids: _containers.RepeatedScalarFieldContainer[int]
    feature_count: int
    feature_shape: _containers.RepeatedScalarFieldContainer[int]
    features: _tensor_pb2.Tensor
    target_values: _tensor_pb2.Tensor
    def __init__(self, feature_count: _Optional[int] = ..., features: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., class_ids: _Optional[_Iterable[int]] = ..., target_values: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., feature_shape: _Optional[_Iterable[int]] = ...) -> None: ...

class UploadDatasetResponse(_message.Message):
    __slots__ = ["dataset", "dataset_id", "rows", "size_bytes"]
    DATASET_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    dataset: _dataset_pb2.DatasetInfo
    dataset_id: str
    rows: int
    size_bytes: int
    def __init__(self, dataset_id: _Optional[str] = ..., rows: _Optional[int] = ..., size_bytes: _Optional[int] = ..., dataset: _Optional[_Union[_dataset_pb2.DatasetInfo, _Mapping]] = ...) -> None: ...

class ScheduleKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
