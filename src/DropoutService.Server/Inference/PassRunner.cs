using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>
/// Runs one or more requests (a batch, or one request alone) through a worker's replica in passes
/// of at most <c>maxRowsPerPass</c> rows, and cuts each request's results back out. Rows are
/// computed independently of each other (row-stable products, dropout masks keyed per request and
/// counted from each request's own first row), so every request gets exactly the bits it would get
/// alone. The token is checked between passes, layers and Monte-Carlo samples.
/// </summary>
internal static class PassRunner
{
    public static void Run(InferenceWorker worker, IReadOnlyList<InferenceRequest> requests, ForwardMode mode, int maxRowsPerPass, CancellationToken cancellationToken)
    {
        var model = worker.Model;
        int total = 0;
        foreach (var r in requests)
        {
            Allocate(model, r);
            total += r.Rows;
        }
        var segments = new List<Segment>(requests.Count + 1);
        int next = 0, requestRow = 0;
        for (int done = 0; done < total;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int passRows = Math.Min(maxRowsPerPass, total - done);
            segments.Clear();
            for (int filled = 0; filled < passRows;)
            {
                var r = requests[next];
                int take = Math.Min(r.Rows - requestRow, passRows - filled);
                segments.Add(new Segment(r, requestRow, filled, take));
                filled += take;
                requestRow += take;
                if (requestRow == r.Rows)
                {
                    next++;
                    requestRow = 0;
                }
            }
            var input = segments is [{ RequestRow: 0 } only] && only.Rows == only.Request.Rows ? only.Request.Input : worker.Stack(segments, passRows);
            worker.Ran(passRows);
            RunPass(model, input, segments, mode, cancellationToken);
            done += passRows;
        }
    }

    private static void RunPass(Model model, Tensor input, List<Segment> segments, ForwardMode mode, CancellationToken cancellationToken)
    {
        var first = segments[0].Request;
        if (first.Kind == WorkKind.MonteCarlo)
        {
            var mc = MonteCarlo.Predict(model, input, first.Samples, Blocks(segments), cancellationToken);
            foreach (var s in segments)
            {
                CopyRows(mc.Mean, s.PassRow, s.Request.Mean!, s.RequestRow, s.Rows);
                CopyRows(mc.StandardDeviation, s.PassRow, s.Request.StandardDeviation!, s.RequestRow, s.Rows);
                mc.PredictiveEntropy?.AsSpan(s.PassRow, s.Rows).CopyTo(s.Request.PredictiveEntropy.AsSpan(s.RequestRow));
            }
            return;
        }
        var pass = mode == ForwardMode.Eval ? ForwardPass.Eval : new ForwardPass(mode) { Blocks = Blocks(segments) };
        if (!segments.Exists(s => s.Request.WantsActivations))
        {
            var output = model.Forward(input, pass, cancellationToken);
            foreach (var s in segments)
            {
                CopyRows(output, s.PassRow, s.Request.Outputs!, s.RequestRow, s.Rows);
            }
            return;
        }
        var x = input;
        for (int l = 0; l < model.Layers.Count; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            x = model.Layers[l].Forward(x, pass);
            foreach (var s in segments)
            {
                if (s.Request.Activations is { } activations)
                {
                    var layerOutput = activations[l] ??= new Tensor(x.Shape.Sample.WithBatch(s.Request.Rows));
                    CopyRows(x, s.PassRow, layerOutput, s.RequestRow, s.Rows);
                }
            }
        }
        foreach (var s in segments)
        {
            CopyRows(x, s.PassRow, s.Request.Outputs!, s.RequestRow, s.Rows);
        }
    }

    private static MaskBlock[] Blocks(List<Segment> segments)
    {
        var blocks = new MaskBlock[segments.Count];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new MaskBlock(segments[i].Rows, segments[i].Request.Seed, segments[i].RequestRow);
        }
        return blocks;
    }

    private static void Allocate(Model model, InferenceRequest r)
    {
        if (r.Kind == WorkKind.MonteCarlo)
        {
            r.Mean = new Tensor(r.Rows, model.OutputSize);
            r.StandardDeviation = new Tensor(r.Rows, model.OutputSize);
            r.PredictiveEntropy = model.Spec.IsClassifier ? new float[r.Rows] : null;
            return;
        }
        r.Outputs = new Tensor(model.OutputShape.WithBatch(r.Rows));
        r.Activations = r.WantsActivations ? new Tensor?[model.Layers.Count] : null;
    }

    private static void CopyRows(Tensor source, int sourceRow, Tensor destination, int destinationRow, int rows)
    {
        int columns = source.Columns;
        source.Span.Slice(sourceRow * columns, rows * columns).CopyTo(destination.Span.Slice(destinationRow * columns));
    }
}
