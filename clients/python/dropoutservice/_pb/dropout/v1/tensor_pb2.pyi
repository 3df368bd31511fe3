from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
TENSOR_ENCODING_FLOAT_LIST: TensorEncoding
TENSOR_ENCODING_RAW: TensorEncoding
TENSOR_ENCODING_UNSPECIFIED: TensorEncoding

class FloatList(_message.Message):
    __slots__ = ["values"]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ...) -> None: ...

class ParameterGradient(_message.Message):
    __slots__ = ["gradient", "layer", "name"]
    GRADIENT_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    gradient: Tensor
    layer: str
    name: str
    def __init__(self, layer: _Optional[str] = ..., name: _Optional[str] = ..., gradient: _Optional[_Union[Tensor, _Mapping]] = ...) -> None: ...

class Tensor(_message.Message):
    __slots__ = ["raw", "shape", "values"]
    RAW_FIELD_NUMBER: _ClassVar[int]
    SHAPE_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    raw: bytes
    shape: _containers.RepeatedScalarFieldContainer[int]
    values: FloatList
    def __init__(self, shape: _Optional[_Iterable[int]] = ..., values: _Optional[_Union[FloatList, _Mapping]] = ..., raw: _Optional[bytes] = ...) -> None: ...

class TensorEncoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
