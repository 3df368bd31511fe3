from dropoutservice._pb.dropout.v1 import training_service_pb2 as _training_service_pb2
from dropoutservice._pb.google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
JOB_ORIGIN_START_TRAINING: JobOrigin
JOB_ORIGIN_TRAIN: JobOrigin
JOB_ORIGIN_UNSPECIFIED: JobOrigin
JOB_STATE_CANCELLED: JobState
JOB_STATE_CANCELLING: JobState
JOB_STATE_FAILED: JobState
JOB_STATE_QUEUED: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_UNSPECIFIED: JobState

class CancelJobRequest(_message.Message):
    __slots__ = ["job_id"]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ["job"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ["job_id"]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ["job"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ["attempt", "base_version", "create_time_unix_ms", "dataset_id", "end_time_unix_ms", "epochs", "epochs_completed", "error", "job_id", "max_duration_seconds", "model_id", "options", "origin", "request_id", "resolved_base_version", "result", "start_time_unix_ms", "state"]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    BASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    END_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    EPOCHS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    attempt: int
    base_version: int
    create_time_unix_ms: int
    dataset_id: str
    end_time_unix_ms: int
    epochs: _containers.RepeatedCompositeFieldContainer[_training_service_pb2.EpochProgress]
    epochs_completed: int
    error: _status_pb2.Status
    job_id: str
    max_duration_seconds: int
    model_id: str
    options: _training_service_pb2.TrainingOptions
    origin: JobOrigin
    request_id: str
    resolved_base_version: int
    result: _training_service_pb2.TrainingCompleted
    start_time_unix_ms: int
    state: JobState
    def __init__(self, job_id: _Optional[str] = ..., model_id: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., base_version: _Optional[int] = ..., resolved_base_version: _Optional[int] = ..., dataset_id: _Optional[str] = ..., options: _Optional[_Union[_training_service_pb2.TrainingOptions, _Mapping]] = ..., epochs: _Optional[_Iterable[_Union[_training_service_pb2.EpochProgress, _Mapping]]] = ..., epochs_completed: _Optional[int] = ..., result: _Optional[_Union[_training_service_pb2.TrainingCompleted, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., create_time_unix_ms: _Optional[int] = ..., start_time_unix_ms: _Optional[int] = ..., end_time_unix_ms: _Optional[int] = ..., attempt: _Optional[int] = ..., request_id: _Optional[str] = ..., origin: _Optional[_Union[JobOrigin, str]] = ..., max_duration_seconds: _Optional[int] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ["model_id", "page_size", "page_token", "states"]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    page_size: int
    page_token: str
    states: _containers.RepeatedScalarFieldContainer[JobState]
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., model_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[JobState, str]]] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ["jobs", "next_page_token"]
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class StartTrainingRequest(_message.Message):
    __slots__ = ["base_version", "dataset", "dataset_id", "max_duration_seconds", "model_id", "options", "request_id", "validation_dataset"]
    BASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    DATASET_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_DATASET_FIELD_NUMBER: _ClassVar[int]
    base_version: int
    dataset: _training_service_pb2.Dataset
    dataset_id: str
    max_duration_seconds: int
    model_id: str
    options: _training_service_pb2.TrainingOptions
    request_id: str
    validation_dataset: _training_service_pb2.Dataset
    def __init__(self, model_id: _Optional[str] = ..., base_version: _Optional[int] = ..., dataset: _Optional[_Union[_training_service_pb2.Dataset, _Mapping]] = ..., dataset_id: _Optional[str] = ..., options: _Optional[_Union[_training_service_pb2.TrainingOptions, _Mapping]] = ..., validation_dataset: _Optional[_Union[_training_service_pb2.Dataset, _Mapping]] = ..., request_id: _Optional[str] = ..., max_duration_seconds: _Optional[int] = ...) -> None: ...

class StartTrainingResponse(_message.Message):
    __slots__ = ["job"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ["from_epoch", "job_id"]
    FROM_EPOCH_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    from_epoch: int
    job_id: str
    def __init__(self, job_id: _Optional[str] = ..., from_epoch: _Optional[int] = ...) -> None: ...

class WatchJobResponse(_message.Message):
    __slots__ = ["epoch", "job"]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    epoch: _training_service_pb2.EpochProgress
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ..., epoch: _Optional[_Union[_training_service_pb2.EpochProgress, _Mapping]] = ...) -> None: ...

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class JobOrigin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
