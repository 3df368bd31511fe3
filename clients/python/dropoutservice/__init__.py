"""Python client of DropoutService (gRPC API dropout.v1).

    import dropoutservice as ds
    with ds.connect() as client:      # $DROPOUTSERVICE_ADDRESS or localhost:50051; key from $DROPOUTSERVICE_API_KEY
        client.create_model("digits", {"input_size": 64,
                                       "layers": [{"dense": 128}, "relu", {"dropout": 0.2}, {"dense": 10}],
                                       "loss": "softmax_cross_entropy"})
        for p in client.train("digits", x, y, epochs=20, optimizer="adam", learning_rate=0.005):
            print(p.epoch, p.train_loss)
        print(client.predict("digits", x[:5]).class_ids)

Needs grpcio and protobuf (Debian: python3-grpcio, python3-protobuf); numpy is optional.
"""

from .client import (
    BackwardResult,
    Client,
    EpochProgress,
    ForwardResult,
    Prediction,
    TrainingResult,
    TrainingRun,
    connect,
)
from .connection import API_KEY_ENV, ADDRESS_ENV, DEFAULT_ADDRESS, TOKEN_ENV
from .errors import (
    AlreadyExistsError,
    CancelledError,
    ClientValidationError,
    DeadlineExceededError,
    DropoutServiceError,
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
)
from .spec import model_spec, training_options
from .tensors import HAVE_NUMPY, flat_row, from_tensor, to_tensor
from ._pb.dropout.v1 import (
    inference_service_pb2,
    model_pb2,
    model_service_pb2,
    tensor_pb2,
    training_service_pb2,
)

__version__ = "0.1.0"

__all__ = [
    "ADDRESS_ENV", "API_KEY_ENV", "DEFAULT_ADDRESS", "TOKEN_ENV", "ClientValidationError", "PermissionDeniedError",
    "UnauthenticatedError",
    "AlreadyExistsError", "BackwardResult", "CancelledError", "Client", "DeadlineExceededError",
    "DropoutServiceError", "EpochProgress", "FailedPreconditionError", "FieldViolation", "ForwardResult",
    "HAVE_NUMPY", "InvalidArgumentError", "NotFoundError", "Prediction", "ResourceExhaustedError",
    "TrainingResult", "TrainingRun", "UnavailableError", "connect", "flat_row", "from_tensor", "inference_service_pb2",
    "model_pb2", "model_service_pb2", "model_spec", "tensor_pb2", "to_tensor", "training_options",
    "training_service_pb2",
]
