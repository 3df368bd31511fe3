using System.Collections.Concurrent;
using System.Diagnostics;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Server.Inference.Batching;
using DropoutService.Server.Resources;

namespace DropoutService.Server.Inference;

/// <summary>
/// Inference on one loaded model version: its row-stable workers, its batching queues (one for
/// eval passes, one per Monte-Carlo sample count) and the memory each run reserves. Created on
/// first use and dropped with the version's weights.
/// </summary>
internal sealed class VersionInference
{
    private readonly ConcurrentDictionary<int, BatchQueue> _monteCarlo = new();
    private readonly MemoryBudget _budget;
    private readonly InferenceMetrics _metrics;
    private readonly int _maxRowsPerPass;
    private readonly string _description;
    private readonly BatchQueue? _eval;

    public VersionInference(string modelId, long version, Model weights, BatchingSettings batching, int maxRowsPerPass, int maxIdleWorkers, MemoryBudget budget, InferenceMetrics metrics)
    {
        // Row-stable products: a row's result never depends on the rows it is batched with.
        Model = weights.ReplicateWith(Blas.RowStable(weights.Blas));
        Size = new WorkspaceSize(Model);
        Workers = new WorkerPool(Model, Size, maxIdleWorkers);
        Batching = batching;
        _maxRowsPerPass = maxRowsPerPass;
        _budget = budget;
        _metrics = metrics;
        _description = $"model '{modelId}' version {version}";
        _eval = batching.Enabled ? new BatchQueue(batching, batch => Execute(batch, WorkKind.Eval), $"{_description} (eval)") : null;
    }

    /// <summary>The version's weights with row-stable products (workers are replicas of it).</summary>
    public Model Model { get; }

    public WorkspaceSize Size { get; }

    public WorkerPool Workers { get; }

    public BatchingSettings Batching { get; }

    /// <summary>Runs the request, batched with others when its kind and size allow, and fills its results.</summary>
    public Task RunAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var queue = request.Rows > Batching.MaxBatchRows ? null : request.Kind switch
        {
            WorkKind.Eval => _eval,
            WorkKind.MonteCarlo when Batching.Enabled => _monteCarlo.GetOrAdd(request.Samples, NewMonteCarloQueue),
            _ => null,
        };
        if (queue is not null)
        {
            return queue.RunAsync(request, cancellationToken);
        }
        RunAlone(request, cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>Reserves <paramref name="bytes"/> in the shared budget (RESOURCE_EXHAUSTED naming Limits:MaxMemoryBytes when they do not fit).</summary>
    public MemoryLease Reserve(long bytes, string work) => _budget.Reserve(bytes, $"{work} on {_description}");

    private BatchQueue NewMonteCarloQueue(int samples) =>
        new(Batching, batch => Execute(batch, WorkKind.MonteCarlo), $"{_description} (mc_samples {samples})");

    private void RunAlone(InferenceRequest request, CancellationToken cancellationToken)
    {
        InferenceRequest[] requests = [request];
        _metrics.BatchStarted(request.Kind, request.Rows, 1);
        using var lease = Reserve(Size.ForPasses(requests, RowsPerPass(request)), Describe(request.Kind, request.Rows, request.Samples));
        Run(requests, cancellationToken);
    }

    // A train-mode pass runs whole: layers that normalise with the batch's own statistics (batch
    // norm in training) make a row depend on its batch, and Backward recomputes the request in one
    // pass. Eval and Monte-Carlo passes are row-independent and split freely.
    private int RowsPerPass(InferenceRequest request) => request.Mode == ForwardMode.Train ? int.MaxValue : _maxRowsPerPass;

    private void Execute(RunningBatch batch, WorkKind kind)
    {
        var entries = batch.Entries;
        var requests = new InferenceRequest[entries.Length];
        int rows = 0;
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < entries.Length; i++)
        {
            requests[i] = entries[i].Request;
            rows += requests[i].Rows;
            _metrics.QueueDelay(kind, Stopwatch.GetElapsedTime(entries[i].EnqueuedAt, now));
        }
        _metrics.BatchStarted(kind, rows, entries.Length);
        try
        {
            using (Reserve(Size.ForPasses(requests, _maxRowsPerPass), Describe(kind, rows, requests[0].Samples)))
            {
                Run(requests, batch.Token);
            }
            foreach (var entry in entries)
            {
                entry.Completion.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (batch.Token.IsCancellationRequested)
        {
            // Every caller has left; each was answered CANCELLED or DEADLINE_EXCEEDED when it did.
        }
        catch (Exception e)
        {
            foreach (var entry in entries)
            {
                entry.Completion.TrySetException(e);
            }
        }
    }

    private void Run(InferenceRequest[] requests, CancellationToken cancellationToken)
    {
        var worker = Workers.Rent();
        try
        {
            PassRunner.Run(worker, requests, requests[0].Mode, RowsPerPass(requests[0]), cancellationToken);
        }
        finally
        {
            Workers.Return(worker);
        }
    }

    private static string Describe(WorkKind kind, int rows, int samples) => kind switch
    {
        WorkKind.MonteCarlo => $"a Monte-Carlo prediction of {rows} rows x {samples} samples",
        WorkKind.Forward => $"a forward pass of {rows} rows",
        _ => $"a prediction of {rows} rows",
    };
}
