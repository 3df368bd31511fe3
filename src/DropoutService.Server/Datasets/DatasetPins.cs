namespace DropoutService.Server.Datasets;

/// <summary>
/// Datasets that queued or running jobs use: a pinned dataset cannot be deleted. Pin and delete
/// check under one lock, so a job never starts on a dataset being deleted.
/// </summary>
public sealed class DatasetPins
{
    private readonly Dictionary<string, int> _pins = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Lock Gate => _gate;

    public void Pin(string id)
    {
        lock (_gate)
        {
            _pins[id] = _pins.GetValueOrDefault(id) + 1;
        }
    }

    public void Unpin(string id)
    {
        lock (_gate)
        {
            if (_pins.TryGetValue(id, out int n))
            {
                if (n <= 1)
                {
                    _pins.Remove(id);
                }
                else
                {
                    _pins[id] = n - 1;
                }
            }
        }
    }

    /// <summary>Call with <see cref="Gate"/> held.</summary>
    public bool IsPinned(string id) => _pins.ContainsKey(id);
}
