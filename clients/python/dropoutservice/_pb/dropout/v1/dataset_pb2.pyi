from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DATASET_TARGET_KIND_CLASS_IDS: DatasetTargetKind
DATASET_TARGET_KIND_UNSPECIFIED: DatasetTargetKind
DATASET_TARGET_KIND_VALUES: DatasetTargetKind
DESCRIPTOR: _descriptor.FileDescriptor

class DatasetInfo(_message.Message):
    __slots__ = ["create_time_unix_ms", "dataset_id", "feature_shape", "max_class_id", "max_target_value", "min_target_value", "rows", "sha256", "size_bytes", "target_columns", "target_kind"]
    CREATE_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    FEATURE_SHAPE_FIELD_NUMBER: _ClassVar[int]
    MAX_CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_TARGET_VALUE_FIELD_NUMBER: _ClassVar[int]
    MIN_TARGET_VALUE_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    TARGET_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    TARGET_KIND_FIELD_NUMBER: _ClassVar[int]
    create_time_unix_ms: int
    dataset_id: str
    feature_shape: _containers.RepeatedScalarFieldContainer[int]
    max_class_id: int
    max_target_value: float
    min_target_value: float
    rows: int
    sha256: str
    size_bytes: int
    target_columns: int
    target_kind: DatasetTargetKind
    def __init__(self, dataset_id: _Optional[str] = ..., rows: _Optional[int] = ..., feature_shape: _Optional[_Iterable[int]] = ..., target_kind: _Optional[_Union[DatasetTargetKind, str]] = ..., target_columns: _Optional[int] = ..., max_class_id: _Optional[int] = ..., min_target_value: _Optional[float] = ..., max_target_value: _Optional[float] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., create_time_unix_ms: _Optional[int] = ...) -> None: ...

class DeleteDatasetRequest(_message.Message):
    __slots__ = ["dataset_id"]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    def __init__(self, dataset_id: _Optional[str] = ...) -> None: ...

class DeleteDatasetResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetDatasetRequest(_message.Message):
    __slots__ = ["dataset_id"]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    def __init__(self, dataset_id: _Optional[str] = ...) -> None: ...

class GetDatasetResponse(_message.Message):
    __slots__ = ["dataset"]
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: DatasetInfo
    def __init__(self, dataset: _Optional[_Union[DatasetInfo, _Mapping]] = ...) -> None: ...

class ListDatasetsRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDatasetsResponse(_message.Message):
    __slots__ = ["datasets", "next_page_token"]
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    datasets: _containers.RepeatedCompositeFieldContainer[DatasetInfo]
    next_page_token: str
    def __init__(self, datasets: _Optional[_Iterable[_Union[DatasetInfo, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DatasetTargetKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
