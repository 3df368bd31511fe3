"""End-to-end tests of the Python client against a real DropoutService server.

Run:  DROPOUTSERVICE_ADDRESS=127.0.0.1:5000 /usr/bin/python3 -m unittest discover -s clients/python/tests -v
Without DROPOUTSERVICE_ADDRESS every test is skipped (the polyglot xunit suite sets it after
starting a server). The scenario (issue 5): create a model with dropout, train on digits with
progress, predict (accuracy >= 95%), MC predict (std > 0), forward/backward checked against a
finite-difference gradient, a bad request with a readable field violation, delete.
"""

import math
import os
import random
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

import grpc  # noqa: E402

import dropoutservice as ds  # noqa: E402
from train_digits import load_digits, split  # noqa: E402

ADDRESS = os.environ.get("DROPOUTSERVICE_ADDRESS")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DIGITS = os.environ.get("DROPOUTSERVICE_DIGITS", os.path.join(REPO, "testdata", "digits.csv.gz"))
SKIP = "DROPOUTSERVICE_ADDRESS is not set (start a server, or run the polyglot xunit suite)"

try:
    import numpy as np
except ImportError:
    np = None


def softmax_ce(logits, labels):
    """Mean softmax cross-entropy in float64, computed in the client."""
    total = 0.0
    for row, y in zip(logits, labels):
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        total += lse - row[y]
    return total / len(labels)


def rows(a):
    return a.tolist() if np is not None and hasattr(a, "tolist") else a


@unittest.skipUnless(ADDRESS, SKIP)
class DigitsScenarioTests(unittest.TestCase):
    """The issue-5 scenario, in order (unittest runs methods alphabetically)."""

    model_id = f"py-digits-{os.getpid()}"
    spec = {
        "input_size": 64,
        "layers": [{"dense": 64}, "relu", {"dropout": 0.2}, {"dense": 10}],
        "loss": "softmax_cross_entropy",
        "seed": 3,
    }

    @classmethod
    def setUpClass(cls):
        cls.client = ds.connect(ADDRESS, timeout=60)
        cls.client.wait_ready(timeout=30)
        (cls.x_train, cls.y_train), (cls.x_test, cls.y_test) = split(*load_digits(DIGITS))
        try:
            cls.client.delete_model(cls.model_id)
        except ds.NotFoundError:
            pass

    @classmethod
    def tearDownClass(cls):
        try:
            cls.client.delete_model(cls.model_id)
        except ds.DropoutServiceError:
            pass
        cls.client.close()

    def test_01_create_model_with_dropout(self):
        model = self.client.create_model(self.model_id, self.spec)
        self.assertEqual(model.id, self.model_id)
        self.assertEqual(model.output_size, 10)
        self.assertEqual(model.parameter_count, 64 * 64 + 64 + 64 * 10 + 10)
        self.assertEqual(model.latest_version, 1)
        self.assertIn(self.model_id, [m.id for m in self.client.list_models(page_size=1)])

    def test_02_train_streams_progress_then_publishes(self):
        run = self.client.train(self.model_id, self.x_train, self.y_train, epochs=25, batch_size=32,
                                optimizer="adam", learning_rate=0.003, validation_split=0.1, seed=5)
        epochs = [p.epoch for p in run]
        self.assertEqual(epochs, list(range(1, 26)))
        self.assertTrue(all(p.total_epochs == 25 for p in run.progress))
        self.assertLess(run.progress[-1].train_loss, run.progress[0].train_loss)
        self.assertIsNotNone(run.progress[-1].validation_accuracy)
        self.assertIsNotNone(run.result)
        self.assertGreaterEqual(run.result.version.version, 2)
        self.assertEqual(self.client.get_model(self.model_id).latest_version, run.result.version.version)

    def test_03_predict_accuracy_at_least_95_percent(self):
        pred = self.client.predict(self.model_id, self.x_test)
        correct = sum(int(c == y) for c, y in zip(pred.class_ids, self.y_test))
        accuracy = correct / len(self.y_test)
        self.assertGreaterEqual(accuracy, 0.95, f"accuracy {accuracy:.4f}")
        self.assertEqual(len(rows(pred.outputs)), len(self.y_test))
        self.assertIsNone(pred.standard_deviation)
        for prob_row in rows(pred.probabilities)[:10]:
            self.assertAlmostEqual(sum(prob_row), 1.0, places=4)

    def test_04_list_encoding_matches_numpy_encoding(self):
        # The same request through packed floats (no numpy) and raw bytes gives the same numbers.
        plain = ds.Client(self.client.channel, use_numpy=False)
        a = plain.predict(self.model_id, self.x_test[:7])
        b = self.client.predict(self.model_id, self.x_test[:7])
        self.assertEqual(a.class_ids, b.class_ids)
        self.assertEqual(a.outputs, rows(b.outputs))

    def test_05_mc_predict_has_positive_std(self):
        pred = self.client.predict(self.model_id, self.x_test[:16], mc_samples=30, seed=11)
        std = rows(pred.standard_deviation)
        self.assertEqual(len(std), 16)
        self.assertGreater(max(max(r) for r in std), 0.0)
        self.assertEqual(len(pred.predictive_entropy), 16)
        self.assertTrue(all(0.0 <= h <= math.log(10) + 1e-4 for h in pred.predictive_entropy))
        again = self.client.predict(self.model_id, self.x_test[:16], mc_samples=30, seed=11)
        self.assertEqual(rows(again.probabilities), rows(pred.probabilities), "same seed, same MC samples")
        for prob_row in rows(pred.probabilities):
            self.assertAlmostEqual(sum(prob_row), 1.0, places=4)

    def test_06_backward_matches_finite_differences(self):
        # A small smooth model (tanh, so no ReLU kink can fall inside a finite-difference step)
        # with dropout active: Train mode with a fixed seed repeats the masks on every call, so
        # the client can differentiate the server's forward pass numerically.
        fd_id = self.model_id + "-fd"
        self.client.create_model(fd_id, {"input_size": 6, "layers": [{"dense": 5}, "tanh", {"dropout": 0.3}, {"dense": 3}],
                                         "loss": "softmax_cross_entropy", "seed": 2})
        try:
            rng = random.Random(4)
            x = [[rng.random() for _ in range(6)] for _ in range(3)]
            y = [0, 2, 1]
            mode, seed = "train", 5

            def loss_at(inputs):
                out = self.client.forward(fd_id, inputs, mode=mode, seed=seed).outputs
                return softmax_ce(rows(out), y)

            bw = self.client.backward(fd_id, x, class_ids=y, mode=mode, seed=seed)
            grad = rows(bw.input_gradients)
            self.assertAlmostEqual(bw.loss, loss_at(x), delta=1e-5 * max(1.0, abs(bw.loss)))
            self.assertNotEqual(rows(self.client.forward(fd_id, x, mode="train", seed=seed + 1).outputs),
                                rows(self.client.forward(fd_id, x, mode="train", seed=seed).outputs),
                                "another seed must give other dropout masks")
            eps = 1e-2
            for i in range(len(x)):
                for j in range(len(x[0])):
                    plus = [r[:] for r in x]
                    minus = [r[:] for r in x]
                    plus[i][j] += eps
                    minus[i][j] -= eps
                    numeric = (loss_at(plus) - loss_at(minus)) / (2 * eps)
                    self.assertAlmostEqual(numeric, grad[i][j], delta=1e-3 + 1e-2 * abs(grad[i][j]),
                                           msg=f"dLoss/dx[{i}][{j}]")
        finally:
            self.client.delete_model(fd_id)

    def test_07_backward_parameter_gradients_of_the_last_layer(self):
        # With explicit upstream gradients g: dL/dbias = column sums of g and
        # dL/dweight = (input of the last dense)^T g, computed here from Forward's activations.
        x = [list(r) for r in self.x_test[4:9]]
        rng = random.Random(2)
        g = [[rng.uniform(-1, 1) for _ in range(10)] for _ in x]
        fw = self.client.forward(self.model_id, x, mode="train", seed=9, include_activations=True)
        names = list(fw.activations)
        last, before = names[-1], names[-2]
        h = rows(fw.activations[before])
        bw = self.client.backward(self.model_id, x, output_gradients=g, mode="train", seed=9)
        self.assertEqual(rows(bw.outputs), rows(fw.outputs))
        bias = rows(bw.parameter_gradients[f"{last}.bias"])
        bias = bias[0] if bias and isinstance(bias[0], list) else bias
        for j in range(10):
            self.assertAlmostEqual(bias[j], sum(r[j] for r in g), delta=1e-4)
        weight = rows(bw.parameter_gradients[f"{last}.weight"])
        for i in range(0, len(h[0]), 7):
            for j in range(10):
                expected = sum(h[n][i] * g[n][j] for n in range(len(x)))
                self.assertAlmostEqual(weight[i][j], expected, delta=1e-4 + 1e-4 * abs(expected))

    def test_08_bad_request_has_field_violation(self):
        bad = dict(self.spec, layers=[{"dense": 8}, {"dropout": 1.5}, {"dense": 2}])
        with self.assertRaises(ds.InvalidArgumentError) as caught:
            self.client.create_model(self.model_id + "-bad", bad)
        err = caught.exception
        self.assertEqual(err.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(err.field_violations, "the server must send google.rpc.BadRequest")
        fields = [v.field for v in err.field_violations]
        self.assertTrue(any("rate" in f for f in fields), fields)
        self.assertTrue(all(v.description for v in err.field_violations))
        self.assertIn("rate", str(err))

        with self.assertRaises(ds.InvalidArgumentError) as caught:
            self.client.predict(self.model_id, [[0.0] * 63])  # wrong width
        self.assertTrue(caught.exception.field_violations)

    def test_09_unknown_model_is_not_found(self):
        with self.assertRaises(ds.NotFoundError) as caught:
            self.client.get_model("no-such-model-" + str(os.getpid()))
        self.assertEqual(caught.exception.code, grpc.StatusCode.NOT_FOUND)

    def test_10_uploaded_dataset_trains(self):
        uploaded = self.client.upload_dataset(self.x_train[:300], self.y_train[:300], chunk_rows=64)
        self.assertEqual(uploaded.rows, 300)
        result = self.client.train(self.model_id, dataset_id=uploaded.dataset_id, epochs=1).wait()
        self.assertGreaterEqual(result.version.version, 3)

    def test_11_apply_gradients_steps_sgd(self):
        # With a zero input row dense0's output is its bias: after one SGD step with learning
        # rate lr it must equal bias - lr * dLoss/dbias.
        zero = [[0.0] * 64]
        before = self.client.forward(self.model_id, zero, include_activations=True)
        bw = self.client.backward(self.model_id, self.x_test[:8], class_ids=self.y_test[:8], version=before.version)
        version = self.client.apply_gradients(self.model_id, bw.parameter_gradients, 0.5, optimizer="sgd",
                                              base_version=before.version)
        self.assertEqual(version.version, before.version + 1)
        after = self.client.forward(self.model_id, zero, include_activations=True)
        self.assertEqual(after.version, version.version)
        b0 = rows(before.activations["dense0"])[0]
        b1 = rows(after.activations["dense0"])[0]
        g = rows(bw.parameter_gradients["dense0.bias"])
        g = g[0] if isinstance(g[0], list) else g
        for j in range(64):
            self.assertAlmostEqual(b1[j], b0[j] - 0.5 * g[j], delta=1e-5)
        with self.assertRaises(ds.FailedPreconditionError):  # base version is no longer the latest
            self.client.apply_gradients(self.model_id, bw.parameter_gradients, 0.5, base_version=before.version)

    def test_12_deadline_and_cancel_stop_training_and_publish_nothing(self):
        latest = self.client.get_model(self.model_id).latest_version
        run = self.client.train(self.model_id, self.x_train, self.y_train, epochs=5000, timeout=0.5)
        with self.assertRaises(ds.DeadlineExceededError):
            run.wait()
        run = self.client.train(self.model_id, self.x_train, self.y_train, epochs=5000)
        with self.assertRaises(ds.CancelledError):
            for progress in run:
                run.cancel()  # after the first epoch's progress
        self.assertLess(len(run.progress), 5000)  # stopped early (buffered updates may still arrive)
        for _ in range(50):  # the server releases the model once its training loop has stopped
            model = self.client.get_model(self.model_id)
            if not model.training:
                break
            time.sleep(0.1)
        self.assertEqual(model.latest_version, latest, "a cancelled training must publish nothing")

    def test_99_delete(self):
        self.client.delete_model(self.model_id)
        with self.assertRaises(ds.NotFoundError):
            self.client.get_model(self.model_id)
        self.assertNotIn(self.model_id, [m.id for m in self.client.list_models()])


@unittest.skipUnless(ADDRESS, SKIP)
class ExampleAndDocsTests(unittest.TestCase):
    def test_example_script_prints_accuracy(self):
        script = os.path.join(HERE, "..", "examples", "train_digits.py")
        out = subprocess.run(
            [sys.executable, script, "--address", ADDRESS, "--data", DIGITS, "--model", f"py-example-{os.getpid()}"],
            capture_output=True, text=True, timeout=600,
        )
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        line = [l for l in out.stdout.splitlines() if l.startswith("test accuracy:")]
        self.assertTrue(line, out.stdout)
        self.assertGreaterEqual(float(line[0].split()[2]), 0.95, line[0])


@unittest.skipUnless(ADDRESS, SKIP)
class ShapedModelTests(unittest.TestCase):
    """A model whose samples are shaped ([2, 3, 4], like an image of two channels): rank-4 inputs
    (numpy NCHW arrays and nested lists), flat rows, shaped activations, training on images."""

    model_id = f"py-shaped-{os.getpid()}"

    @classmethod
    def setUpClass(cls):
        cls.client = ds.connect(ADDRESS, timeout=60)
        cls.client.wait_ready(timeout=30)
        try:
            cls.client.delete_model(cls.model_id)
        except ds.NotFoundError:
            pass
        cls.model = cls.client.create_model(cls.model_id, {
            "input_shape": (2, 3, 4),
            "layers": [{"leaky_relu": 0.1}, {"dropout": 0.5}, {"dense": 6}, "tanh", {"dense": 3}],
            "loss": "softmax_cross_entropy", "seed": 5})
        rng = random.Random(7)
        cls.images = [[[[rng.uniform(-1, 1) for _ in range(4)] for _ in range(3)] for _ in range(2)] for _ in range(5)]

    @classmethod
    def tearDownClass(cls):
        try:
            cls.client.delete_model(cls.model_id)
        except ds.DropoutServiceError:
            pass
        cls.client.close()

    def test_spec_has_shape_and_size(self):
        self.assertEqual(list(self.model.spec.input_shape), [2, 3, 4])
        self.assertEqual(self.model.spec.input_size, 24)
        self.assertEqual(self.model.parameter_count, 24 * 6 + 6 + 6 * 3 + 3)

    def test_nested_lists_flat_rows_and_numpy_agree(self):
        plain = ds.Client(self.client.channel, use_numpy=False)
        shaped = plain.predict(self.model_id, self.images)
        flat = plain.predict(self.model_id, [ds.flat_row(image) for image in self.images])
        self.assertEqual(shaped.outputs, flat.outputs)
        self.assertEqual(len(shaped.class_ids), 5)
        if np is not None:
            arr = np.asarray(self.images, dtype=np.float32)
            self.assertEqual(arr.shape, (5, 2, 3, 4))
            np.testing.assert_array_equal(self.client.predict(self.model_id, arr).outputs, np.asarray(flat.outputs, dtype=np.float32))

    def test_forward_activations_are_shaped(self):
        result = ds.Client(self.client.channel, use_numpy=False).forward(
            self.model_id, self.images, mode="train", seed=3, include_activations=True)
        self.assertEqual(list(result.activations), ["leaky_relu0", "dropout1", "dense2", "tanh3", "dense4"])
        dropped = result.activations["dropout1"]
        self.assertEqual((len(dropped), len(dropped[0]), len(dropped[0][0]), len(dropped[0][0][0])), (5, 2, 3, 4))
        self.assertEqual((len(result.activations["dense2"]), len(result.activations["dense2"][0])), (5, 6))
        if np is not None:
            shaped = self.client.forward(self.model_id, np.asarray(self.images), include_activations=True)
            self.assertEqual(shaped.activations["leaky_relu0"].shape, (5, 2, 3, 4))

    def test_train_on_images_inline_and_uploaded(self):
        labels = [i % 3 for i in range(len(self.images))]
        run = self.client.train(self.model_id, self.images, labels, epochs=2, batch_size=2, seed=1)
        self.assertEqual([p.epoch for p in run], [1, 2])
        uploaded = self.client.upload_dataset(self.images, labels)
        self.assertEqual(uploaded.rows, 5)
        run = self.client.train(self.model_id, dataset_id=uploaded.dataset_id, epochs=1, batch_size=5)
        self.assertIsNotNone(run.wait())


class OfflineTests(unittest.TestCase):
    """Conversions that need no server."""

    def test_spec_input_shape(self):
        spec = ds.model_spec({"input_shape": (1, 8, 8), "layers": [{"dense": 10}]})
        self.assertEqual(list(spec.input_shape), [1, 8, 8])
        self.assertEqual(spec.input_size, 0)
        self.assertEqual(list(ds.model_spec({"input_shape": 5, "layers": []}).input_shape), [5])

    def test_tensors_of_rank_four_round_trip(self):
        images = [[[[i * 100 + c * 10 + h * 2 + w for w in range(2)] for h in range(3)] for c in range(1)] for i in range(2)]
        t = ds.to_tensor(images, use_numpy=False)
        self.assertEqual(list(t.shape), [2, 1, 3, 2])
        self.assertEqual(list(t.values.values)[:4], [0, 1, 2, 3])
        self.assertEqual(ds.from_tensor(t, use_numpy=False), images)
        with self.assertRaises(ValueError):
            ds.to_tensor([[[1, 2], [3]]], use_numpy=False)
        if np is not None:
            arr = np.asarray(images, dtype=np.float32)
            t = ds.to_tensor(arr)
            self.assertEqual(list(t.shape), [2, 1, 3, 2])
            np.testing.assert_array_equal(ds.from_tensor(t), arr)

    def test_spec_shorthands(self):
        spec = ds.model_spec({"input_size": 4, "layers": [{"dense": 3}, "tanh", {"dropout": 0.5},
                                                          {"type": "dense", "units": 2, "init": "xavier"}],
                              "loss": "mse"})
        self.assertEqual(spec.layers[0].dense.units, 3)
        self.assertTrue(spec.layers[1].HasField("tanh"))
        self.assertAlmostEqual(spec.layers[2].dropout.rate, 0.5)
        self.assertEqual(spec.layers[3].dense.init, ds.model_pb2.WEIGHT_INIT_XAVIER)
        self.assertEqual(spec.loss, ds.model_pb2.LOSS_MEAN_SQUARED_ERROR)

    def test_training_options(self):
        o = ds.training_options({"epochs": 3, "optimizer": {"kind": "nesterov", "momentum": 0.8},
                                 "schedule": "cosine", "restore_best_weights": False})
        self.assertEqual(o.optimizer.kind, ds.model_pb2.OPTIMIZER_NESTEROV)
        self.assertTrue(o.HasField("restore_best_weights"))
        self.assertEqual(o.schedule.kind, ds.training_service_pb2.SCHEDULE_KIND_COSINE)

    def test_tensor_round_trips(self):
        t = ds.to_tensor([[1, 2, 3], [4, 5, 6.5]], use_numpy=False)
        self.assertEqual(list(t.shape), [2, 3])
        self.assertEqual(ds.from_tensor(t, use_numpy=False), [[1, 2, 3], [4, 5, 6.5]])
        if np is not None:
            a = np.array([[1, -2], [3.25, 4]], dtype=np.float32)
            t = ds.to_tensor(a)
            self.assertEqual(t.WhichOneof("data"), "raw")
            self.assertEqual(t.raw, a.astype("<f4").tobytes())
            np.testing.assert_array_equal(ds.from_tensor(t), a)
            self.assertEqual(ds.from_tensor(t, use_numpy=False), [[1, -2], [3.25, 4]])

    def test_status_trailer_decodes_to_field_violations(self):
        from dropoutservice import errors
        from dropoutservice.errors import _error_details_pb2, _status_pb2

        bad = _error_details_pb2.BadRequest()
        bad.field_violations.add(field="spec.layers[1].dropout.rate", description="must be in [0, 1)")
        status = _status_pb2.Status(code=3, message="invalid spec")
        status.details.add().Pack(bad)

        class FakeError(grpc.RpcError):
            def code(self):
                return grpc.StatusCode.INVALID_ARGUMENT

            def details(self):
                return "invalid spec"

            def trailing_metadata(self):
                return (("grpc-status-details-bin", status.SerializeToString()),)

        err = errors.from_rpc_error(FakeError())
        self.assertIsInstance(err, ds.InvalidArgumentError)
        self.assertEqual(err.violation("rate").description, "must be in [0, 1)")
        self.assertEqual(str(err), "INVALID_ARGUMENT: invalid spec [spec.layers[1].dropout.rate: must be in [0, 1)]")


if __name__ == "__main__":
    unittest.main()
