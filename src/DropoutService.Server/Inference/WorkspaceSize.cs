using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Models;

namespace DropoutService.Server.Inference;

/// <summary>
/// Bytes of working memory inference needs on one model, from its layer widths: what is reserved
/// in the memory budget before the engine allocates it.
/// </summary>
internal sealed class WorkspaceSize
{
    public WorkspaceSize(Model model)
    {
        long perRow = 0;
        foreach (var layer in model.Layers)
        {
            // Every layer keeps its output; dropout also keeps one mask bit per element.
            long outputs = layer.OutputShape.Length;
            perRow += 4 * outputs + (layer is DropoutLayer ? (outputs + 63) / 64 * 8 : 0);
        }
        PerRow = perRow;
        InputRow = 4L * model.InputSize;
        OutputRow = 4L * model.OutputSize;
        Gradients = 4L * model.ParameterCount;
    }

    /// <summary>Activations of one row through every layer.</summary>
    public long PerRow { get; }

    public long InputRow { get; }

    public long OutputRow { get; }

    /// <summary>Every parameter's gradient (Backward).</summary>
    public long Gradients { get; }

    /// <summary>
    /// A Predict/Forward of <paramref name="requests"/> run in passes of at most
    /// <paramref name="maxRowsPerPass"/> rows: one pass's activations and stacked input, every
    /// request's results (and the probabilities derived from them), Monte-Carlo accumulators, and
    /// every layer's output when activations are returned.
    /// </summary>
    public long ForPasses(IReadOnlyList<InferenceRequest> requests, int maxRowsPerPass)
    {
        long rows = 0, activationRows = 0;
        bool monteCarlo = false;
        foreach (var r in requests)
        {
            rows += r.Rows;
            activationRows += r.WantsActivations ? r.Rows : 0;
            monteCarlo |= r.Kind == WorkKind.MonteCarlo;
        }
        long pass = Math.Min(rows, maxRowsPerPass);
        long bytes = pass * (PerRow + InputRow) + rows * OutputRow * 3 + activationRows * PerRow;
        if (monteCarlo)
        {
            // Per pass: sums and sums of squares in double, mean and standard deviation in float.
            bytes += pass * OutputRow * (4 + 2);
        }
        return bytes;
    }

    /// <summary>A Backward of <paramref name="rows"/> rows: activations and their gradients, the input gradient, every parameter's gradient.</summary>
    public long ForBackward(int rows) => rows * (2 * PerRow + 2 * InputRow + 2 * OutputRow) + Gradients;
}
