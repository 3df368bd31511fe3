from dropoutservice._pb.dropout.v1 import model_pb2 as _model_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CorruptVersion(_message.Message):
    __slots__ = ["reason", "version"]
    REASON_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    reason: str
    version: int
    def __init__(self, version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class CreateModelRequest(_message.Message):
    __slots__ = ["model_id", "spec"]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    spec: _model_pb2.ModelSpec
    def __init__(self, model_id: _Optional[str] = ..., spec: _Optional[_Union[_model_pb2.ModelSpec, _Mapping]] = ...) -> None: ...

class CreateModelResponse(_message.Message):
    __slots__ = ["model"]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: _model_pb2.Model
    def __init__(self, model: _Optional[_Union[_model_pb2.Model, _Mapping]] = ...) -> None: ...

class DeleteModelRequest(_message.Message):
    __slots__ = ["model_id"]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class DeleteModelResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetModelRequest(_message.Message):
    __slots__ = ["model_id"]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class GetModelResponse(_message.Message):
    __slots__ = ["model"]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: _model_pb2.Model
    def __init__(self, model: _Optional[_Union[_model_pb2.Model, _Mapping]] = ...) -> None: ...

class GetServerInfoRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetServerInfoResponse(_message.Message):
    __slots__ = ["active_trainings", "blas_backend", "blas_description", "limits", "model_count", "processor_count", "server_version"]
    ACTIVE_TRAININGS_FIELD_NUMBER: _ClassVar[int]
    BLAS_BACKEND_FIELD_NUMBER: _ClassVar[int]
    BLAS_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    MODEL_COUNT_FIELD_NUMBER: _ClassVar[int]
    PROCESSOR_COUNT_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    active_trainings: int
    blas_backend: str
    blas_description: str
    limits: ServerLimits
    model_count: int
    processor_count: int
    server_version: str
    def __init__(self, server_version: _Optional[str] = ..., blas_backend: _Optional[str] = ..., blas_description: _Optional[str] = ..., processor_count: _Optional[int] = ..., limits: _Optional[_Union[ServerLimits, _Mapping]] = ..., model_count: _Optional[int] = ..., active_trainings: _Optional[int] = ...) -> None: ...

class ListModelVersionsRequest(_message.Message):
    __slots__ = ["model_id"]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class ListModelVersionsResponse(_message.Message):
    __slots__ = ["corrupt_versions", "versions"]
    CORRUPT_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    corrupt_versions: _containers.RepeatedCompositeFieldContainer[CorruptVersion]
    versions: _containers.RepeatedCompositeFieldContainer[_model_pb2.ModelVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[_model_pb2.ModelVersion, _Mapping]]] = ..., corrupt_versions: _Optional[_Iterable[_Union[CorruptVersion, _Mapping]]] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ["models", "next_page_token"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[_model_pb2.Model]
    next_page_token: str
    def __init__(self, models: _Optional[_Iterable[_Union[_model_pb2.Model, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ServerLimits(_message.Message):
    __slots__ = ["max_batch_rows", "max_concurrent_trainings", "max_dataset_bytes", "max_epochs", "max_layers", "max_mc_samples", "max_message_bytes", "max_models", "max_parameters_per_model"]
    MAX_BATCH_ROWS_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENT_TRAININGS_FIELD_NUMBER: _ClassVar[int]
    MAX_DATASET_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    MAX_LAYERS_FIELD_NUMBER: _ClassVar[int]
    MAX_MC_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_MODELS_FIELD_NUMBER: _ClassVar[int]
    MAX_PARAMETERS_PER_MODEL_FIELD_NUMBER: _ClassVar[int]
    max_batch_rows: int
    max_concurrent_trainings: int
    max_dataset_bytes: int
    max_epochs: int
    max_layers: int
    max_mc_samples: int
    max_message_bytes: int
    max_models: int
    max_parameters_per_model: int
    def __init__(self, max_message_bytes: _Optional[int] = ..., max_batch_rows: _Optional[int] = ..., max_parameters_per_model: _Optional[int] = ..., max_models: _Optional[int] = ..., max_concurrent_trainings: _Optional[int] = ..., max_mc_samples: _Optional[int] = ..., max_dataset_bytes: _Optional[int] = ..., max_epochs: _Optional[int] = ..., max_layers: _Optional[int] = ...) -> None: ...
