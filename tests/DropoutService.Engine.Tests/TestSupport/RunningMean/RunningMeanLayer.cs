using DropoutService.Engine.Layers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport.RunningMean;

/// <summary>The layer of <see cref="RunningMeanSpec"/>: y = x − μ, μ the batch mean (Train) or the running mean.</summary>
internal sealed class RunningMeanLayer(LayerBuildContext context, float momentum) : Layer(context)
{
    private readonly Tensor _runningMean = context.Buffer("running_mean").Value;
    private readonly Tensor _batches = context.Buffer("batches_tracked").Value;
    private readonly float[] _mean = new float[context.InputShape.Length];
    private Tensor? _output;
    private Tensor? _inputGradient;
    private bool _batchStatistics;
    private int _forwardRows = -1;

    // input (N, F…) -> output = input − mean (F), mean = the batch's (Train) or the running one
    public override Tensor Forward(Tensor input, in ForwardPass pass)
    {
        CheckInput(input);
        int n = input.Rows, f = input.Columns;
        _batchStatistics = pass.UsesBatchStatistics;
        if (_batchStatistics)
        {
            ColumnMeans(input, _mean);
            if (pass.UpdateBuffers)
            {
                var running = _runningMean.Span;
                for (int i = 0; i < f; i++)
                {
                    running[i] = (1f - momentum) * running[i] + momentum * _mean[i];
                }
                _batches.Span[0] += 1f;
            }
        }
        else
        {
            _runningMean.Span.CopyTo(_mean);
        }
        var output = Tensor.Ensure(ref _output, input.Shape);
        SubtractFromRows(input, _mean, output);
        _forwardRows = n;
        return output;
    }

    // dOutput (N, F…) -> dInput = dOutput − mean_rows(dOutput) (Train: μ depends on x), dOutput (otherwise)
    public override Tensor Backward(Tensor outputGradient)
    {
        CheckBackward(_forwardRows < 0 ? null : _output, outputGradient, _forwardRows);
        var dx = Tensor.Ensure(ref _inputGradient, outputGradient.Shape);
        outputGradient.Span.CopyTo(dx.Span);
        if (_batchStatistics)
        {
            var meanGradient = new float[outputGradient.Columns];
            ColumnMeans(outputGradient, meanGradient);
            SubtractFromRows(outputGradient, meanGradient, dx);
        }
        return dx;
    }

    private static void ColumnMeans(Tensor x, float[] mean)
    {
        Array.Clear(mean);
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < mean.Length; c++)
            {
                mean[c] += row[c];
            }
        }
        for (int c = 0; c < mean.Length; c++)
        {
            mean[c] /= x.Rows;
        }
    }

    private static void SubtractFromRows(Tensor x, float[] mean, Tensor result)
    {
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            var target = result.Row(r);
            for (int c = 0; c < mean.Length; c++)
            {
                target[c] = row[c] - mean[c];
            }
        }
    }
}
