#!/usr/bin/python3
"""Trains a dropout MLP on the digits data through DropoutService and prints its test accuracy.

Usage:  /usr/bin/python3 clients/python/examples/train_digits.py [--address localhost:50051]
        [--data testdata/digits.csv.gz] [--epochs 30] [--keep]

The address defaults to $DROPOUTSERVICE_ADDRESS, else localhost:50051 (the server's default); an
API key or token is read from $DROPOUTSERVICE_API_KEY / $DROPOUTSERVICE_TOKEN.

Runs with Debian's python3-grpcio, python3-protobuf and (optionally) python3-numpy.
"""

import argparse
import gzip
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dropoutservice as ds  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def load_digits(path):
    """Rows of 64 pixel values scaled to [0, 1], and labels 0..9."""
    features, labels = [], []
    with gzip.open(path, "rt") as f:
        for line in f:
            values = line.strip().split(",")
            if len(values) != 65:
                continue
            features.append([float(v) / 16.0 for v in values[:64]])
            labels.append(int(values[64]))
    return features, labels


def split(features, labels, test_fraction=0.2, seed=0):
    order = list(range(len(labels)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * (1 - test_fraction))
    pick = lambda idx: ([features[i] for i in idx], [labels[i] for i in idx])  # noqa: E731
    return pick(order[:cut]), pick(order[cut:])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--address", default=None,
                   help=f"host:port (default: ${ds.ADDRESS_ENV}, else {ds.DEFAULT_ADDRESS})")
    p.add_argument("--data", default=os.path.join(REPO, "testdata", "digits.csv.gz"))
    p.add_argument("--model", default="digits-example")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--keep", action="store_true", help="keep the model instead of deleting it")
    args = p.parse_args(argv)

    (x_train, y_train), (x_test, y_test) = split(*load_digits(args.data))

    with ds.connect(args.address, timeout=60) as client:
        client.wait_ready(timeout=30)
        try:
            client.delete_model(args.model)  # start from scratch when re-run
        except ds.NotFoundError:
            pass
        client.create_model(args.model, {
            "input_size": 64,
            "layers": [{"dense": 128}, "relu", {"dropout": 0.2}, {"dense": 10}],
            "loss": "softmax_cross_entropy",
            "seed": 1,
        })
        run = client.train(args.model, x_train, y_train, epochs=args.epochs, batch_size=32,
                           optimizer="adam", learning_rate=0.002, validation_split=0.1, seed=1)
        for progress in run:
            print(f"epoch {progress.epoch:3d}/{progress.total_epochs}  loss {progress.train_loss:.4f}  "
                  f"val acc {progress.validation_accuracy or 0:.3f}", flush=True)
        print(f"published version {run.result.version.version}")

        prediction = client.predict(args.model, x_test)
        correct = sum(int(c == y) for c, y in zip(prediction.class_ids, y_test))
        print(f"test accuracy: {correct / len(y_test):.4f} ({correct}/{len(y_test)})")
        if not args.keep:
            client.delete_model(args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
