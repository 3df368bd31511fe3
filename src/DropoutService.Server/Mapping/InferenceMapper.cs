using DropoutService.Api.V1;
using DropoutService.Server.Inference;

namespace DropoutService.Server.Mapping;

/// <summary>The predictor's results to dropout.v1 responses.</summary>
public static class InferenceMapper
{
    public static PredictResponse ToApi(Prediction prediction, TensorEncoding encoding)
    {
        var response = new PredictResponse { Version = prediction.Version };
        if (prediction.Outputs is { } outputs)
        {
            response.Outputs = TensorMapper.FromEngine(outputs, encoding);
        }
        if (prediction.Probabilities is { } probabilities)
        {
            response.Probabilities = TensorMapper.FromEngine(probabilities, encoding);
        }
        if (prediction.StandardDeviation is { } std)
        {
            response.StandardDeviation = TensorMapper.FromEngine(std, encoding);
        }
        if (prediction.ClassIds is { } ids)
        {
            response.ClassIds.AddRange(ids);
        }
        if (prediction.PredictiveEntropy is { } entropy)
        {
            response.PredictiveEntropy.AddRange(entropy);
        }
        return response;
    }

    public static ForwardResponse ToApi(ForwardResult result, TensorEncoding encoding)
    {
        var response = new ForwardResponse { Version = result.Version, Outputs = TensorMapper.FromEngine(result.Outputs, encoding) };
        foreach (var a in result.Activations)
        {
            response.Activations.Add(new LayerActivation { Layer = a.Layer, Output = TensorMapper.FromEngine(a.Output, encoding) });
        }
        return response;
    }

    public static BackwardResponse ToApi(BackwardResult result, TensorEncoding encoding)
    {
        var response = new BackwardResponse
        {
            Version = result.Version,
            Outputs = TensorMapper.FromEngine(result.Outputs, encoding),
            InputGradients = TensorMapper.FromEngine(result.InputGradients, encoding),
        };
        if (result.Loss is float loss)
        {
            response.Loss = loss;
        }
        foreach (var p in result.ParameterGradients)
        {
            response.ParameterGradients.Add(new ParameterGradient { Layer = p.Layer, Name = p.Name, Gradient = TensorMapper.FromEngine(p.Gradient, encoding) });
        }
        return response;
    }
}
