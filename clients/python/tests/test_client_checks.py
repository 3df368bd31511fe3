"""Client-side checks and connection settings: no server needed."""

import os
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import dropoutservice as ds  # noqa: E402
from dropoutservice import connection, spec, validation  # noqa: E402

try:
    import numpy as np
except ImportError:
    np = None


class ClientValidationTests(unittest.TestCase):
    def assert_rejected(self, call, field, *mentions):
        with self.assertRaises(ds.ClientValidationError) as caught:
            call()
        e = caught.exception
        self.assertIsInstance(e, ds.InvalidArgumentError)  # one except for both sides' mistakes
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.field_violations[0].field, field)
        for m in mentions:
            self.assertIn(m, e.field_violations[0].description)
        return e

    def test_unknown_training_option_lists_snake_case_names(self):
        e = self.assert_rejected(lambda: spec.training_options({"epoch": 3}), "options.epoch", "epochs", "batch_size",
                                 "early_stopping_patience")
        self.assertNotIn("batchSize", str(e))
        self.assertNotIn("earlyStoppingPatience", str(e))

    def test_unknown_forward_mode_lists_modes(self):
        for mode in ("training", "FORWARD_MODE_TRAINING", "TRAINING", 1.5, True):
            self.assert_rejected(lambda: spec.forward_mode(mode), "mode", "train", "eval", "mc_dropout")
        self.assertEqual(spec.forward_mode("train"), ds.inference_service_pb2.FORWARD_MODE_TRAIN)
        self.assertEqual(spec.forward_mode("TRAIN"), ds.inference_service_pb2.FORWARD_MODE_TRAIN)
        self.assertEqual(spec.forward_mode("mc_dropout"), spec.forward_mode("FORWARD_MODE_MC_DROPOUT"))

    def test_unknown_enum_values_list_the_choices(self):
        self.assert_rejected(lambda: spec.training_options({"optimizer": "adamm"}), "options.optimizer.kind", "adam", "rmsprop")
        self.assert_rejected(lambda: spec.training_options({"schedule": "cosin"}), "options.schedule.kind", "cosine")
        self.assert_rejected(lambda: spec.model_spec({"input_size": 4, "layers": [{"dense": 2}], "loss": "msee"}),
                             "spec.loss", "mean_squared_error")

    def test_unknown_layer_and_field_names(self):
        self.assert_rejected(lambda: spec.model_spec({"input_size": 4, "layers": ["rellu"], "loss": "mse"}),
                             "spec.layers[0].rellu", "relu", "dropout")
        self.assert_rejected(lambda: spec.model_spec({"input_size": 4, "layers": [{"dens": 3}], "loss": "mse"}),
                             "layers", "dense")
        self.assert_rejected(lambda: spec.model_spec({"input_size": 4, "layers": [{"dense": {"unit": 3}}], "loss": "mse"}),
                             "spec.layers[0].dense.unit", "units")
        self.assert_rejected(lambda: spec.model_spec({"inputs": 4, "layers": [], "loss": "mse"}), "spec.inputs", "input_size")

    def test_wrong_value_type_is_a_client_error(self):
        self.assert_rejected(lambda: spec.training_options({"epochs": "ten"}), "options", "epochs")

    def test_valid_specs_still_parse(self):
        s = spec.model_spec({"input_size": 4, "layers": [{"dense": {"units": 3, "init": "xavier"}}, "relu", {"dropout": 0.5}],
                             "loss": "cross_entropy", "seed": 2})
        self.assertEqual(s.layers[0].dense.units, 3)
        o = spec.training_options({"epochs": 2, "batchSize": 8, "optimizer": {"kind": "momentum", "momentum": 0.9}})
        self.assertEqual(o.batch_size, 8)

    def test_float_class_labels_rejected_not_truncated(self):
        self.assert_rejected(lambda: validation.class_ids([0, 1.7, 2], "class_ids"), "class_ids[1]", "1.7")
        self.assert_rejected(lambda: validation.class_ids([True], "class_ids"), "class_ids[0]")
        self.assert_rejected(lambda: validation.class_ids(["1"], "class_ids"), "class_ids[0]")
        self.assertEqual(validation.class_ids([0, 2.0, 3], "class_ids"), [0, 2, 3])
        if np is not None:
            self.assertEqual(validation.class_ids(np.array([1, 2], dtype=np.int64), "class_ids"), [1, 2])
            self.assertEqual(validation.class_ids(np.array([1.0, 2.0]), "class_ids"), [1, 2])
            self.assert_rejected(lambda: validation.class_ids(np.array([1.0, 2.5]), "class_ids"), "class_ids[1]")

    def test_train_with_float_labels_fails_before_any_call(self):
        import grpc

        client = ds.Client(grpc.insecure_channel("127.0.0.1:9"), use_numpy=False)  # nothing listens: no call may be made
        self.assert_rejected(lambda: client.train("m", [[0.0, 1.0]], [1.7], epochs=1), "class_ids[0]", "1.7")
        self.assert_rejected(lambda: client.backward("m", [[0.0, 1.0]], class_ids=[0.5]), "class_ids[0]")
        self.assert_rejected(lambda: client.forward("m", [[0.0, 1.0]], mode="training"), "mode", "mc_dropout")
        client.close()


class ConnectionTests(unittest.TestCase):
    def test_default_address_is_the_servers_default_port(self):
        self.assertEqual(ds.DEFAULT_ADDRESS, "localhost:50051")
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual(connection.resolve_target(None), "localhost:50051")
        with mock.patch.dict(os.environ, {"DROPOUTSERVICE_ADDRESS": "example:1234"}):
            self.assertEqual(connection.resolve_target(None), "example:1234")
            self.assertEqual(connection.resolve_target("given:1"), "given:1")

    def test_credentials_from_options_then_environment(self):
        with mock.patch.dict(os.environ, {"DROPOUTSERVICE_API_KEY": "env-key", "DROPOUTSERVICE_TOKEN": "env-token"}):
            self.assertEqual(connection.bearer_metadata(None, None), [("authorization", "Bearer env-key")])
            self.assertEqual(connection.bearer_metadata("given", None), [("authorization", "Bearer given")])
            self.assertEqual(connection.bearer_metadata(None, "a.b.c"), [("authorization", "Bearer a.b.c")])
            self.assertEqual(connection.bearer_metadata(None, None, use_env=False), [])
        with mock.patch.dict(os.environ, {"DROPOUTSERVICE_TOKEN": "env-token"}, clear=True):
            self.assertEqual(connection.bearer_metadata(None, None), [("authorization", "Bearer env-token")])
        with self.assertRaises(ds.ClientValidationError):
            connection.bearer_metadata("k", "t")
        with self.assertRaises(ds.ClientValidationError):
            connection.bearer_metadata("two words", None)

    def test_connect_sends_the_key_as_metadata(self):
        with mock.patch.dict(os.environ, {"DROPOUTSERVICE_API_KEY": "env-key"}):
            with ds.connect("127.0.0.1:9", metadata={"x-extra": "1"}) as c:
                self.assertEqual(c.metadata, [("authorization", "Bearer env-key"), ("x-extra", "1")])
            with ds.connect("127.0.0.1:9", api_key="mine") as c:
                self.assertEqual(c.metadata[0], ("authorization", "Bearer mine"))

    def test_missing_certificate_file_is_a_client_error(self):
        with self.assertRaises(ds.ClientValidationError) as caught:
            ds.connect("127.0.0.1:9", root_certificates="/nonexistent/ca.pem")
        self.assertEqual(caught.exception.field_violations[0].field, "root_certificates")

    def test_reconnect_backoff_is_short_and_overridable(self):
        opts = dict(connection.channel_options(1024, [("grpc.max_reconnect_backoff_ms", 500)]))
        self.assertEqual(opts["grpc.max_reconnect_backoff_ms"], 500)
        self.assertLessEqual(dict(connection.channel_options(1024, []))["grpc.max_reconnect_backoff_ms"], 2000)

    def test_example_defaults_to_the_environment_then_50051(self):
        sys.path.insert(0, os.path.join(HERE, "..", "examples"))
        import train_digits

        with open(train_digits.__file__) as f:
            source = f.read()
        self.assertNotIn("5000\"", source)
        self.assertIn("50051", ds.__doc__ + source)
        self.assertNotIn("localhost:5000\n", ds.__doc__)


if __name__ == "__main__":
    unittest.main()
