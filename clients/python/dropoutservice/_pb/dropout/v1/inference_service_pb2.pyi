from dropoutservice._pb.dropout.v1 import tensor_pb2 as _tensor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
FORWARD_MODE_EVAL: ForwardMode
FORWARD_MODE_MC_DROPOUT: ForwardMode
FORWARD_MODE_TRAIN: ForwardMode
FORWARD_MODE_UNSPECIFIED: ForwardMode

class BackwardRequest(_message.Message):
    __slots__ = ["inputs", "mode", "model_id", "output_encoding", "output_gradients", "seed", "targets", "version"]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ENCODING_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_GRADIENTS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    inputs: _tensor_pb2.Tensor
    mode: ForwardMode
    model_id: str
    output_encoding: _tensor_pb2.TensorEncoding
    output_gradients: _tensor_pb2.Tensor
    seed: int
    targets: BackwardTargets
    version: int
    def __init__(self, model_id: _Optional[str] = ..., version: _Optional[int] = ..., inputs: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., mode: _Optional[_Union[ForwardMode, str]] = ..., seed: _Optional[int] = ..., output_gradients: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., targets: _Optional[_Union[BackwardTargets, _Mapping]] = ..., output_encoding: _Optional[_Union[_tensor_pb2.TensorEncoding, str]] = ...) -> None: ...

class BackwardResponse(_message.Message):
    __slots__ = ["input_gradients", "loss", "outputs", "parameter_gradients", "version"]
    INPUT_GRADIENTS_FIELD_NUMBER: _ClassVar[int]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_GRADIENTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    input_gradients: _tensor_pb2.Tensor
    loss: float
    outputs: _tensor_pb2.Tensor
    parameter_gradients: _containers.RepeatedCompositeFieldContainer[_tensor_pb2.ParameterGradient]
    version: int
    def __init__(self, version: _Optional[int] = ..., outputs: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., loss: _Optional[float] = ..., input_gradients: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., parameter_gradients: _Optional[_Iterable[_Union[_tensor_pb2.ParameterGradient, _Mapping]]] = ...) -> None: ...

class BackwardTargets(_message.Message):
    __slots__ = ["class_ids", "values"]
    CLASS_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    class_ids: _containers.RepeatedScalarFieldContainer[int]
    values: _tensor_pb2.Tensor
    def __init__(self, class_ids: _Optional[_Iterable[int]] = ..., values: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ...) -> None: ...

class ForwardRequest(_message.Message):
    __slots__ = ["include_activations", "inputs", "mode", "model_id", "output_encoding", "seed", "version"]
    INCLUDE_ACTIVATIONS_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ENCODING_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    include_activations: bool
    inputs: _tensor_pb2.Tensor
    mode: ForwardMode
    model_id: str
    output_encoding: _tensor_pb2.TensorEncoding
    seed: int
    version: int
    def __init__(self, model_id: _Optional[str] = ..., version: _Optional[int] = ..., inputs: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., mode: _Optional[_Union[ForwardMode, str]] = ..., seed: _Optional[int] = ..., include_activations: bool = ..., output_encoding: _Optional[_Union[_tensor_pb2.TensorEncoding, str]] = ...) -> None: ...

class ForwardResponse(_message.Message):
    __slots__ = ["activations", "outputs", "version"]
    ACTIVATIONS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    activations: _containers.RepeatedCompositeFieldContainer[LayerActivation]
    outputs: _tensor_pb2.Tensor
    version: int
    def __init__(self, version: _Optional[int] = ..., outputs: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., activations: _Optional[_Iterable[_Union[LayerActivation, _Mapping]]] = ...) -> None: ...

class LayerActivation(_message.Message):
    __slots__ = ["layer", "output"]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    layer: str
    output: _tensor_pb2.Tensor
    def __init__(self, layer: _Optional[str] = ..., output: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ...) -> None: ...

class PredictRequest(_message.Message):
    __slots__ = ["inputs", "mc_samples", "model_id", "output_encoding", "seed", "version"]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    MC_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ENCODING_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    inputs: _tensor_pb2.Tensor
    mc_samples: int
    model_id: str
    output_encoding: _tensor_pb2.TensorEncoding
    seed: int
    version: int
    def __init__(self, model_id: _Optional[str] = ..., version: _Optional[int] = ..., inputs: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., mc_samples: _Optional[int] = ..., seed: _Optional[int] = ..., output_encoding: _Optional[_Union[_tensor_pb2.TensorEncoding, str]] = ...) -> None: ...

class PredictResponse(_message.Message):
    __slots__ = ["class_ids", "outputs", "predictive_entropy", "probabilities", "standard_deviation", "version"]
    CLASS_IDS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    PREDICTIVE_ENTROPY_FIELD_NUMBER: _ClassVar[int]
    PROBABILITIES_FIELD_NUMBER: _ClassVar[int]
    STANDARD_DEVIATION_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    class_ids: _containers.RepeatedScalarFieldContainer[int]
    outputs: _tensor_pb2.Tensor
    predictive_entropy: _containers.RepeatedScalarFieldContainer[float]
    probabilities: _tensor_pb2.Tensor
    standard_deviation: _tensor_pb2.Tensor
    version: int
    def __init__(self, version: _Optional[int] = ..., outputs: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., class_ids: _Optional[_Iterable[int]] = ..., probabilities: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., standard_deviation: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., predictive_entropy: _Optional[_Iterable[float]] = ...) -> None: ...

class ForwardMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
