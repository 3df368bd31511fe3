"""PyTorch reference cases for the dense layer and the existing activations.

Run: /usr/bin/python3 tests/DropoutService.Engine.Tests/Fixtures/Torch/generate_dense.py
Writes dense_*.json and activation_*.json beside this file (read by DenseTorchConformanceTests
and ActivationTorchConformanceTests).
"""
import torch

from torchfixture import write

torch.manual_seed(20261202)


def dense(name, batch, inputs, outputs):
    linear = torch.nn.Linear(inputs, outputs)
    x = torch.randn(batch, inputs, requires_grad=True)
    y = linear(x)
    upstream = torch.randn(batch, outputs)
    y.backward(upstream)
    write(name, "generate_dense.py", {},
          {"input": x, "weight": linear.weight, "bias": linear.bias, "output": y,
           "upstream": upstream, "input_grad": x.grad,
           "weight_grad": linear.weight.grad, "bias_grad": linear.bias.grad})


def activation(name, module):
    x = torch.randn(4, 9, requires_grad=True)
    y = module(x)
    upstream = torch.randn(4, 9)
    y.backward(upstream)
    write(name, "generate_dense.py", {}, {"input": x, "output": y, "upstream": upstream, "input_grad": x.grad})


dense("dense_batch1", 1, 7, 5)
dense("dense_batch6", 6, 33, 17)
activation("activation_relu", torch.nn.ReLU())
activation("activation_leaky_relu", torch.nn.LeakyReLU(0.01))
activation("activation_sigmoid", torch.nn.Sigmoid())
activation("activation_tanh", torch.nn.Tanh())
