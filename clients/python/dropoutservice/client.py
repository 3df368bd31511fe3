"""The DropoutService client: one object wrapping a gRPC channel and the three services."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import grpc

from . import connection as _connection
from . import spec as _spec
from . import validation as _validation
from .errors import DropoutServiceError, from_rpc_error
from .tensors import HAVE_NUMPY, flat_row, from_tensor, np, to_tensor
from ._pb.dropout.v1 import (
    inference_service_pb2 as inf_pb,
    inference_service_pb2_grpc as inf_grpc,
    model_pb2,
    model_service_pb2 as ms_pb,
    model_service_pb2_grpc as ms_grpc,
    tensor_pb2,
    training_service_pb2 as tr_pb,
    training_service_pb2_grpc as tr_grpc,
)

Metadata = Union[Mapping[str, str], Sequence[Tuple[str, str]], None]

_DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024
_SERVING = 1  # grpc.health.v1.HealthCheckResponse.SERVING


def _health_modules():
    # Imported lazily: grpcio-health-checking, when installed, already registers the
    # grpc.health.v1 messages and a second copy would clash in the descriptor pool.
    try:
        from grpc_health.v1 import health_pb2, health_pb2_grpc
    except ImportError:
        from ._pb.grpc_health.v1 import health_pb2, health_pb2_grpc
    return health_pb2, health_pb2_grpc


@dataclass
class EpochProgress:
    """Metrics of one finished epoch (losses are means; accuracies in [0, 1] or None)."""

    epoch: int
    total_epochs: int
    step: int
    train_loss: float
    train_accuracy: Optional[float]
    validation_loss: Optional[float]
    validation_accuracy: Optional[float]
    learning_rate: float
    elapsed_ms: int


@dataclass
class TrainingResult:
    """The outcome of a completed Train call: the published version and how training ended."""

    version: model_pb2.ModelVersion
    best_epoch: int
    stopped_early: bool


@dataclass
class Prediction:
    """Predict's answer. Arrays are numpy float32 arrays (nested lists without numpy).

    ``standard_deviation`` and ``predictive_entropy`` are set only for Monte-Carlo predictions;
    ``class_ids``/``probabilities`` only for classifiers.
    """

    version: int
    outputs: Any
    class_ids: List[int]
    probabilities: Any = None
    standard_deviation: Any = None
    predictive_entropy: List[float] = field(default_factory=list)


@dataclass
class ForwardResult:
    """Forward's answer: outputs and (when asked for) each layer's output by layer name."""

    version: int
    outputs: Any
    activations: Dict[str, Any] = field(default_factory=dict)


@dataclass
class BackwardResult:
    """Backward's answer. ``parameter_gradients`` maps "dense0.weight" style names to arrays."""

    version: int
    outputs: Any
    loss: Optional[float]
    input_gradients: Any
    parameter_gradients: Dict[str, Any]


class TrainingRun:
    """A running Train call: iterate it for :class:`EpochProgress` updates as epochs finish.

    After iteration, :attr:`result` holds the :class:`TrainingResult`. :meth:`cancel` stops the
    training (the server publishes nothing); :meth:`wait` consumes the stream and returns the result.
    """

    def __init__(self, call):
        self._call = call
        self.result: Optional[TrainingResult] = None
        self.progress: List[EpochProgress] = []

    def __iter__(self) -> Iterator[EpochProgress]:
        try:
            for msg in self._call:
                kind = msg.WhichOneof("event")
                if kind == "progress":
                    p = msg.progress
                    update = EpochProgress(
                        epoch=p.epoch,
                        total_epochs=p.total_epochs,
                        step=p.step,
                        train_loss=p.train_loss,
                        train_accuracy=p.train_accuracy if p.HasField("train_accuracy") else None,
                        validation_loss=p.validation_loss if p.HasField("validation_loss") else None,
                        validation_accuracy=p.validation_accuracy if p.HasField("validation_accuracy") else None,
                        learning_rate=p.learning_rate,
                        elapsed_ms=p.elapsed_ms,
                    )
                    self.progress.append(update)
                    yield update
                elif kind == "completed":
                    c = msg.completed
                    self.result = TrainingResult(c.version, c.best_epoch, c.stopped_early)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None
        if self.result is None:
            raise DropoutServiceError(grpc.StatusCode.UNKNOWN, "the Train stream ended without a result")

    def wait(self) -> TrainingResult:
        """Consumes the remaining progress updates and returns the result."""
        for _ in self:
            pass
        assert self.result is not None
        return self.result

    def cancel(self) -> None:
        """Cancels the call: training stops within one batch and nothing is published."""
        self._call.cancel()


class Client:
    """A DropoutService client. Create one with :func:`connect`; use it as a context manager.

    ``timeout`` is the default deadline in seconds of every call except Train (None: no deadline);
    each method also takes ``timeout=`` and ``metadata=`` to override per call. ``use_numpy``
    chooses numpy arrays and raw-bytes tensors (default: when numpy is importable).
    """

    def __init__(
        self,
        channel: grpc.Channel,
        *,
        timeout: Optional[float] = 30.0,
        train_timeout: Optional[float] = None,
        metadata: Metadata = None,
        use_numpy: bool = HAVE_NUMPY,
        upload_threshold_bytes: int = 3 * 1024 * 1024,
    ):
        if use_numpy and not HAVE_NUMPY:
            raise ValueError("use_numpy=True but numpy is not importable")
        self.channel = channel
        self.timeout = timeout
        self.train_timeout = train_timeout
        self.metadata: List[Tuple[str, str]] = _metadata_list(metadata)
        self.use_numpy = use_numpy
        self.upload_threshold_bytes = upload_threshold_bytes
        self._models = ms_grpc.ModelServiceStub(channel)
        self._training = tr_grpc.TrainingServiceStub(channel)
        self._inference = inf_grpc.InferenceServiceStub(channel)
        self._encoding = tensor_pb2.TENSOR_ENCODING_RAW if use_numpy else tensor_pb2.TENSOR_ENCODING_FLOAT_LIST

    # ---- plumbing -------------------------------------------------------------------------
    def close(self) -> None:
        """Closes the channel."""
        self.channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _kw(self, timeout, metadata, default_timeout="client"):
        t = self.timeout if default_timeout == "client" else default_timeout
        return {
            "timeout": t if timeout is None else timeout,
            "metadata": self.metadata + _metadata_list(metadata),
        }

    def _unary(self, method, request, timeout=None, metadata=None):
        try:
            return method(request, **self._kw(timeout, metadata))
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None

    def _tensor(self, values, rank2=True):
        return to_tensor(values, use_numpy=self.use_numpy, rank2=rank2)

    def _array(self, tensor):
        return from_tensor(tensor, use_numpy=self.use_numpy)

    # ---- health and server ----------------------------------------------------------------
    def health(self, service: str = "", timeout: Optional[float] = 5.0) -> str:
        """The grpc.health.v1 status name of ``service`` ("" = the whole server), e.g. "SERVING"."""
        health_pb2, health_pb2_grpc = _health_modules()
        stub = health_pb2_grpc.HealthStub(self.channel)
        resp = self._unary(stub.Check, health_pb2.HealthCheckRequest(service=service), timeout)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)

    def wait_ready(self, timeout: float = 30.0, service: str = "") -> None:
        """Waits until the health service reports SERVING; raises TimeoutError after ``timeout`` s.

        Each probe waits for the connection (``wait_for_ready``) instead of failing fast while the
        channel is between attempts, and the channel retries connecting every 0.1-2 s
        (:data:`dropoutservice.connection.RECONNECT_OPTIONS`), so this returns within about
        2 s of the server starting to serve.
        """
        health_pb2, health_pb2_grpc = _health_modules()
        stub = health_pb2_grpc.HealthStub(self.channel)
        deadline = time.monotonic() + timeout
        last: object = "no answer"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"server not SERVING after {timeout}s: {last}")
            try:
                resp = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=min(remaining, 5.0),
                                  metadata=self.metadata, wait_for_ready=True)
                if resp.status == _SERVING:
                    return
                last = "health status " + health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)
                time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
            except grpc.RpcError as e:
                last = from_rpc_error(e)
                if e.code() not in (grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE):
                    raise last from None

    def server_info(self, *, timeout=None, metadata: Metadata = None) -> ms_pb.GetServerInfoResponse:
        """Server version, BLAS backend and limits."""
        return self._unary(self._models.GetServerInfo, ms_pb.GetServerInfoRequest(), timeout, metadata)

    # ---- models ---------------------------------------------------------------------------
    def create_model(self, model_id: str, spec: Any, *, timeout=None, metadata: Metadata = None) -> model_pb2.Model:
        """Creates a model from a spec dict (see :mod:`dropoutservice.spec`) or a ModelSpec."""
        req = ms_pb.CreateModelRequest(model_id=model_id, spec=_spec.model_spec(spec))
        return self._unary(self._models.CreateModel, req, timeout, metadata).model

    def get_model(self, model_id: str, *, timeout=None, metadata: Metadata = None) -> model_pb2.Model:
        """Returns one model."""
        return self._unary(self._models.GetModel, ms_pb.GetModelRequest(model_id=model_id), timeout, metadata).model

    def list_models(self, *, page_size: int = 0, timeout=None, metadata: Metadata = None) -> List[model_pb2.Model]:
        """All models ordered by id (follows the pages)."""
        models: List[model_pb2.Model] = []
        token = ""
        while True:
            resp = self._unary(
                self._models.ListModels, ms_pb.ListModelsRequest(page_size=page_size, page_token=token), timeout, metadata
            )
            models.extend(resp.models)
            token = resp.next_page_token
            if not token:
                return models

    def list_versions(self, model_id: str, *, timeout=None, metadata: Metadata = None) -> List[model_pb2.ModelVersion]:
        """The loadable versions of a model, oldest first."""
        req = ms_pb.ListModelVersionsRequest(model_id=model_id)
        return list(self._unary(self._models.ListModelVersions, req, timeout, metadata).versions)

    def delete_model(self, model_id: str, *, timeout=None, metadata: Metadata = None) -> None:
        """Deletes a model and all its versions."""
        self._unary(self._models.DeleteModel, ms_pb.DeleteModelRequest(model_id=model_id), timeout, metadata)

    # ---- training -------------------------------------------------------------------------
    def _dataset(self, features, class_ids, target_values) -> tr_pb.Dataset:
        ds = tr_pb.Dataset(features=self._tensor(features))
        if class_ids is not None:
            ds.class_ids.extend(_validation.class_ids(class_ids, "class_ids"))
        if target_values is not None:
            ds.target_values.CopyFrom(self._tensor(target_values))
        return ds

    def upload_dataset(
        self, features, class_ids=None, target_values=None, *, chunk_rows: int = 4096, timeout=None,
        metadata: Metadata = None,
    ) -> tr_pb.UploadDatasetResponse:
        """Uploads a dataset in chunks of rows (client streaming); pass the id to :meth:`train`."""
        # Uploads are (rows, features): shaped samples (e.g. NCHW images) travel flattened row-major.
        if self.use_numpy:
            features = np.asarray(features, dtype="<f4")
            features = features.reshape(len(features), -1)
            if target_values is not None:
                target_values = np.asarray(target_values, dtype="<f4")
        else:
            features = [flat_row(r) for r in features]
            if target_values is not None:
                target_values = [list(r) for r in target_values]
        rows = len(features)
        feature_count = len(features[0]) if rows else 0

        def chunks():
            for start in range(0, rows, chunk_rows):
                end = min(rows, start + chunk_rows)
                msg = tr_pb.UploadDatasetRequest(feature_count=feature_count, features=self._tensor(features[start:end]))
                if class_ids is not None:
                    msg.class_ids.extend(_validation.class_ids(class_ids[start:end], "class_ids"))
                if target_values is not None:
                    msg.target_values.CopyFrom(self._tensor(target_values[start:end]))
                yield msg

        try:
            return self._training.UploadDataset(chunks(), **self._kw(timeout, metadata))
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None

    def train(
        self,
        model_id: str,
        features=None,
        class_ids=None,
        target_values=None,
        *,
        dataset_id: Optional[str] = None,
        validation: Optional[Tuple[Any, Any]] = None,
        base_version: int = 0,
        timeout: Optional[float] = None,
        metadata: Metadata = None,
        **options,
    ) -> TrainingRun:
        """Starts training and returns a :class:`TrainingRun` to iterate for progress.

        Pass ``features`` with ``class_ids`` (classifiers) or ``target_values``, or a
        ``dataset_id`` from :meth:`upload_dataset`; sets larger than ``upload_threshold_bytes``
        are uploaded automatically. ``validation`` is an optional (features, labels) pair, labels
        being class ids for classifiers and target values otherwise. ``options`` are
        TrainingOptions fields: epochs, batch_size, learning_rate, optimizer ("adam" or a dict),
        schedule, weight_decay, max_norm, validation_split, early_stopping_patience,
        early_stopping_min_delta, restore_best_weights, seed, reset_optimizer_state.
        """
        req = tr_pb.TrainRequest(model_id=model_id, base_version=base_version, options=_spec.training_options(options))
        if dataset_id is None and features is not None:
            size = len(features) * (len(flat_row(features[0])) if len(features) else 0) * 4
            if size > self.upload_threshold_bytes:
                dataset_id = self.upload_dataset(features, class_ids, target_values, metadata=metadata).dataset_id
        if dataset_id is not None:
            req.dataset_id = dataset_id
        elif features is not None:
            req.dataset.CopyFrom(self._dataset(features, class_ids, target_values))
        if validation is not None:
            vx, vy = validation
            is_classes = vy is not None and len(vy) and not hasattr(vy[0], "__len__")
            req.validation_dataset.CopyFrom(
                self._dataset(vx, vy if is_classes else None, None if is_classes else vy)
            )
        kw = self._kw(timeout, metadata, default_timeout=self.train_timeout)
        try:
            call = self._training.Train(req, **kw)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None
        return TrainingRun(call)

    def apply_gradients(
        self, model_id: str, gradients: Mapping[str, Any], learning_rate: float, *, optimizer: Any = None,
        base_version: int = 0, timeout=None, metadata: Metadata = None,
    ) -> model_pb2.ModelVersion:
        """Steps the optimizer with ``{"dense0.weight": grad, ...}`` and publishes a new version."""
        req = tr_pb.ApplyGradientsRequest(model_id=model_id, base_version=base_version, learning_rate=learning_rate)
        for name, grad in gradients.items():
            layer, _, pname = name.rpartition(".")
            req.gradients.add(layer=layer, name=pname, gradient=self._tensor(grad, rank2=False))
        if optimizer is not None:
            req.optimizer.CopyFrom(_spec.training_options({"optimizer": optimizer}).optimizer)
        return self._unary(self._training.ApplyGradients, req, timeout, metadata).version

    # ---- inference ------------------------------------------------------------------------
    def predict(
        self, model_id: str, inputs, *, version: int = 0, mc_samples: int = 0, seed: int = 0, timeout=None,
        metadata: Metadata = None,
    ) -> Prediction:
        """Predicts a batch in eval mode, or with Monte-Carlo dropout when ``mc_samples`` > 0 (then
        ``standard_deviation`` and, for classifiers, ``predictive_entropy``). ``inputs`` is
        ``(rows, input_size)``, or ``(rows, *input_shape)`` (e.g. NCHW images) for shaped models."""
        req = inf_pb.PredictRequest(
            model_id=model_id, version=version, inputs=self._tensor(inputs), mc_samples=mc_samples, seed=seed,
            output_encoding=self._encoding,
        )
        r = self._unary(self._inference.Predict, req, timeout, metadata)
        return Prediction(
            version=r.version,
            outputs=self._array(r.outputs),
            class_ids=list(r.class_ids),
            probabilities=self._array(r.probabilities) if r.HasField("probabilities") else None,
            standard_deviation=self._array(r.standard_deviation) if r.HasField("standard_deviation") else None,
            predictive_entropy=list(r.predictive_entropy),
        )

    def forward(
        self, model_id: str, inputs, *, version: int = 0, mode: Any = "eval", seed: int = 0,
        include_activations: bool = False, timeout=None, metadata: Metadata = None,
    ) -> ForwardResult:
        """One forward pass; ``mode`` is "eval", "train" or "mc_dropout" (masks keyed by ``seed``)."""
        req = inf_pb.ForwardRequest(
            model_id=model_id, version=version, inputs=self._tensor(inputs), mode=_spec.forward_mode(mode), seed=seed,
            include_activations=include_activations, output_encoding=self._encoding,
        )
        r = self._unary(self._inference.Forward, req, timeout, metadata)
        return ForwardResult(
            version=r.version,
            outputs=self._array(r.outputs),
            activations={a.layer: self._array(a.output) for a in r.activations},
        )

    def backward(
        self, model_id: str, inputs, *, output_gradients=None, class_ids=None, target_values=None, version: int = 0,
        mode: Any = "eval", seed: int = 0, timeout=None, metadata: Metadata = None,
    ) -> BackwardResult:
        """Recomputes the forward pass of (version, inputs, mode, seed) and back-propagates either
        ``output_gradients`` (dLoss/dOutputs) or the model's loss against ``class_ids`` /
        ``target_values``. Returns input gradients and every parameter's gradient."""
        req = inf_pb.BackwardRequest(
            model_id=model_id, version=version, inputs=self._tensor(inputs), mode=_spec.forward_mode(mode), seed=seed,
            output_encoding=self._encoding,
        )
        if output_gradients is not None:
            req.output_gradients.CopyFrom(self._tensor(output_gradients))
        else:
            if class_ids is not None:
                req.targets.class_ids.extend(_validation.class_ids(class_ids, "class_ids"))
            if target_values is not None:
                req.targets.values.CopyFrom(self._tensor(target_values))
        r = self._unary(self._inference.Backward, req, timeout, metadata)
        return BackwardResult(
            version=r.version,
            outputs=self._array(r.outputs),
            loss=r.loss if r.HasField("loss") else None,
            input_gradients=self._array(r.input_gradients),
            parameter_gradients={f"{g.layer}.{g.name}": self._array(g.gradient) for g in r.parameter_gradients},
        )


def _metadata_list(metadata: Metadata) -> List[Tuple[str, str]]:
    if not metadata:
        return []
    items = metadata.items() if isinstance(metadata, Mapping) else metadata
    return [(str(k).lower(), v) for k, v in items]


def connect(
    target: Optional[str] = None,
    *,
    api_key: Optional[str] = None,
    token: Optional[str] = None,
    tls: bool = False,
    root_certificates: _connection.Pem = None,
    private_key: _connection.Pem = None,
    certificate_chain: _connection.Pem = None,
    server_name: Optional[str] = None,
    timeout: Optional[float] = 30.0,
    train_timeout: Optional[float] = None,
    metadata: Metadata = None,
    use_numpy: bool = HAVE_NUMPY,
    max_message_bytes: int = _DEFAULT_MAX_MESSAGE,
    options: Sequence[Tuple[str, Any]] = (),
    use_environment: bool = True,
) -> Client:
    """Opens a channel and returns a :class:`Client`.

    ``target`` is "host:port"; by default ``$DROPOUTSERVICE_ADDRESS``, else ``localhost:50051``
    (the server's default). ``api_key`` or ``token`` (a JWT) is sent as
    ``authorization: Bearer ...`` with every call; by default ``$DROPOUTSERVICE_API_KEY`` or
    ``$DROPOUTSERVICE_TOKEN`` (``use_environment=False`` reads no environment variable).
    Plaintext HTTP/2 by default; ``tls=True`` (implied by any certificate option) uses TLS with the
    system roots or ``root_certificates``, and ``private_key`` with ``certificate_chain`` for mutual
    TLS (each PEM bytes or a file path); ``server_name`` overrides the name checked against the
    server's certificate. ``timeout`` is the default per-call deadline in seconds (Train uses
    ``train_timeout``); ``metadata`` is sent with every call.
    """
    if use_environment:
        target = _connection.resolve_target(target)
    elif not target:
        target = _connection.DEFAULT_ADDRESS
    auth = _connection.bearer_metadata(api_key, token, use_env=use_environment)
    opts = _connection.channel_options(max_message_bytes, options)
    roots = _connection.read_pem(root_certificates, "root_certificates")
    key = _connection.read_pem(private_key, "private_key")
    chain = _connection.read_pem(certificate_chain, "certificate_chain")
    if tls or roots is not None or key is not None or chain is not None:
        if server_name:
            opts.append(("grpc.ssl_target_name_override", server_name))
        creds = grpc.ssl_channel_credentials(roots, key, chain)
        channel = grpc.secure_channel(target, creds, options=opts)
    else:
        channel = grpc.insecure_channel(target, options=opts)
    return Client(
        channel, timeout=timeout, train_timeout=train_timeout, metadata=auth + _metadata_list(metadata), use_numpy=use_numpy,
    )
