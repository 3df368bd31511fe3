using System.Collections.Concurrent;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>
/// Loaded versions, bounded in bytes (<c>Store:CacheBytes</c>): least recently used first out.
/// Concurrent requests for one version that is not loaded wait for a single load. A version
/// evicted while calls still use it stays alive until they finish; the next call reloads it.
/// </summary>
public sealed class VersionCache(IOptions<StoreOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<VersionKey, LinkedListNode<(VersionKey Key, LoadedVersion Loaded)>> _map = [];
    private readonly LinkedList<(VersionKey Key, LoadedVersion Loaded)> _lru = new();
    private readonly ConcurrentDictionary<VersionKey, Lazy<LoadedVersion>> _loading = new();
    private long _bytes;

    /// <summary>Bytes held now (at most <c>Store:CacheBytes</c>).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    public LoadedVersion GetOrLoad(VersionKey key, Func<LoadedVersion> load)
    {
        if (TryGet(key) is { } cached)
        {
            return cached;
        }
        var lazy = _loading.GetOrAdd(key, _ => new Lazy<LoadedVersion>(load, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            var loaded = lazy.Value;
            Put(key, loaded);
            return loaded;
        }
        finally
        {
            _loading.TryRemove(KeyValuePair.Create(key, lazy));
        }
    }

    public LoadedVersion? TryGet(VersionKey key)
    {
        lock (_gate)
        {
            if (!_map.TryGetValue(key, out var node))
            {
                return null;
            }
            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.Loaded;
        }
    }

    /// <summary>Adds (or refreshes) a version, evicting the least recently used beyond the budget; one version larger than the whole budget is served but not kept.</summary>
    public void Put(VersionKey key, LoadedVersion loaded)
    {
        long budget = options.Value.CacheBytes;
        lock (_gate)
        {
            if (_map.Remove(key, out var existing))
            {
                _lru.Remove(existing);
                _bytes -= existing.Value.Loaded.SizeBytes;
            }
            if (loaded.SizeBytes > budget)
            {
                return;
            }
            _map[key] = _lru.AddFirst((key, loaded));
            _bytes += loaded.SizeBytes;
            while (_bytes > budget && _lru.Last is { } oldest)
            {
                _lru.RemoveLast();
                _map.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Loaded.SizeBytes;
            }
        }
    }

    /// <summary>Drops every version of one model incarnation (deleted or replaced).</summary>
    public void RemoveModel(string modelId, string incarnation)
    {
        lock (_gate)
        {
            foreach (var key in _map.Keys.Where(k => k.ModelId == modelId && k.Incarnation == incarnation).ToList())
            {
                Remove(key);
            }
        }
    }

    public void Remove(VersionKey key)
    {
        lock (_gate)
        {
            if (_map.Remove(key, out var node))
            {
                _lru.Remove(node);
                _bytes -= node.Value.Loaded.SizeBytes;
            }
        }
    }
}
