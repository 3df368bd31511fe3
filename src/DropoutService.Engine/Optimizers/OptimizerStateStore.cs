using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// State bookkeeping shared by the optimizers: per-parameter buffers created lazily on first sight,
/// keyed by <see cref="Parameter.FullName"/> (so they survive a model being rebuilt over the same
/// names) and cached by reference (so a step formats no names and allocates nothing after the first),
/// the step count, and export/import with validation. Each optimizer owns one and adds its update rule.
/// </summary>
internal sealed class OptimizerStateStore
{
    private readonly string[] _bufferNames;
    private Dictionary<string, float[][]> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Parameter, float[][]> _byReference = new(ReferenceEqualityComparer.Instance);

    internal OptimizerStateStore(OptimizerSettings settings, OptimizerKind kind, params string[] bufferNames)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Kind != kind)
        {
            throw new ArgumentException($"Settings are for {settings.Kind}, this optimizer is {kind}.", nameof(settings));
        }
        settings.Validate();
        Settings = settings;
        _bufferNames = bufferNames;
    }

    public OptimizerSettings Settings { get; }

    public long StepCount { get; private set; }

    /// <summary>
    /// Validates the learning rate and resolves (creating when new) every parameter's buffers before
    /// any value is touched, so a mismatch leaves model and state as they were. Returns the 1-based
    /// number of the step about to be taken; call <see cref="Complete"/> with it afterwards.
    /// </summary>
    public long Begin(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate >= 0f) || float.IsPositiveInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Learning rate must be finite and non-negative.");
        }
        for (int i = 0; i < parameters.Count; i++)
        {
            Buffers(parameters[i]);
        }
        return StepCount + 1;
    }

    public void Complete(long step) => StepCount = step;

    /// <summary>The parameter's buffers, in the order of the names given to the constructor, each as long as its value.</summary>
    public float[][] Buffers(Parameter p) => Resolve(p);

    public OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, state) in _byName)
        {
            for (int b = 0; b < _bufferNames.Length; b++)
            {
                buffers[$"{name}/{_bufferNames[b]}"] = (float[])state[b].Clone();
            }
        }
        return new OptimizerState(Settings.Kind, StepCount, buffers);
    }

    public void ImportState(OptimizerState state)
    {
        var imported = Parse(state);
        _byName = imported;
        _byReference.Clear();
        StepCount = state.StepCount;
    }

    public void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var imported = Parse(state);
        var lengths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            lengths[p.FullName] = p.Value.Length;
        }
        foreach (var (name, buffers) in imported)
        {
            if (!lengths.TryGetValue(name, out int length))
            {
                throw new ArgumentException($"State has buffers for {name}, which is not among the parameters.", nameof(state));
            }
            if (buffers[0].Length != length)
            {
                throw new ArgumentException($"State buffers for {name} hold {buffers[0].Length} values, the parameter has {length}.", nameof(state));
            }
        }
        if (state.StepCount > 0 && _bufferNames.Length > 0)
        {
            foreach (var name in lengths.Keys)
            {
                if (!imported.ContainsKey(name))
                {
                    throw new ArgumentException($"State after {state.StepCount} steps has no buffers for parameter {name}.", nameof(state));
                }
            }
        }
        _byName = imported;
        _byReference.Clear();
        StepCount = state.StepCount;
    }

    private float[][] Resolve(Parameter p)
    {
        if (_byReference.TryGetValue(p, out var cached))
        {
            return cached;
        }
        int length = p.Value.Length;
        string name = p.FullName;
        if (_byName.TryGetValue(name, out var state))
        {
            if (state.Length > 0 && state[0].Length != length)
            {
                throw new ArgumentException(
                    $"Optimizer state for {name} holds {state[0].Length} values, the parameter has {length}.", "parameters");
            }
        }
        else
        {
            state = new float[_bufferNames.Length][];
            for (int b = 0; b < state.Length; b++)
            {
                state[b] = new float[length];
            }
            _byName[name] = state;
        }
        // Parameter objects come and go (model clones, restored best weights); bound the cache so
        // stale ones do not accumulate. Rebuilding it costs one name per parameter.
        if (_byReference.Count >= 4 * Math.Max(_byName.Count, 16))
        {
            _byReference.Clear();
        }
        _byReference[p] = state;
        return state;
    }

    /// <summary>Validates a whole state and deep-copies it; nothing is changed when it throws.</summary>
    private Dictionary<string, float[][]> Parse(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Kind != Settings.Kind)
        {
            throw new ArgumentException($"State is for {state.Kind}, this optimizer is {Settings.Kind}.", nameof(state));
        }
        if (state.StepCount < 0)
        {
            throw new ArgumentException($"Step count {state.StepCount} is negative.", nameof(state));
        }
        if (state.Buffers is null)
        {
            throw new ArgumentException("State has no buffer dictionary.", nameof(state));
        }
        var result = new Dictionary<string, float[][]>(StringComparer.Ordinal);
        foreach (var (key, values) in state.Buffers)
        {
            int slash = key.LastIndexOf('/');
            int index = slash > 0 ? Array.IndexOf(_bufferNames, key[(slash + 1)..]) : -1;
            if (index < 0)
            {
                string expected = _bufferNames.Length == 0 ? "none" : string.Join(", ", _bufferNames.Select(b => "<parameter>/" + b));
                throw new ArgumentException($"Unexpected buffer '{key}' for {Settings.Kind}; expected {expected}.", nameof(state));
            }
            if (values is null)
            {
                throw new ArgumentException($"Buffer '{key}' is null.", nameof(state));
            }
            string name = key[..slash];
            if (!result.TryGetValue(name, out var buffers))
            {
                buffers = new float[_bufferNames.Length][];
                result[name] = buffers;
            }
            buffers[index] = (float[])values.Clone();
        }
        foreach (var (name, buffers) in result)
        {
            for (int b = 0; b < buffers.Length; b++)
            {
                if (buffers[b] is null)
                {
                    throw new ArgumentException($"State for {name} lacks its '{_bufferNames[b]}' buffer.", nameof(state));
                }
                if (buffers[b].Length != buffers[0].Length)
                {
                    throw new ArgumentException(
                        $"Buffers of {name} disagree in length: '{_bufferNames[0]}' has {buffers[0].Length}, '{_bufferNames[b]}' has {buffers[b].Length}.",
                        nameof(state));
                }
            }
        }
        return result;
    }
}
