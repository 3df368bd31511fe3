using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>
/// The API keys in force: configured entries plus the keys file, which is re-read when its
/// timestamp or size changes (checked at most every <see cref="AuthOptions.KeysReloadSeconds"/>),
/// so keys are added, revoked or rotated without a restart. A file that breaks on reload is
/// reported and the previous keys stay in force.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly IOptionsMonitor<AuthOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiKeyStore> _logger;
    private readonly Lock _reload = new();
    private volatile IReadOnlyList<ApiKeyRecord> _keys = [];
    private IReadOnlyList<ApiKeyRecord> _configured = [];
    private IReadOnlyList<ApiKeyRecord> _fromFile = [];
    private (DateTime Written, long Length)? _fileStamp;
    private long _nextCheck;

    public ApiKeyStore(IOptionsMonitor<AuthOptions> options, TimeProvider time, ILogger<ApiKeyStore> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        options.OnChange(o => ReloadConfigured(o));
    }

    /// <summary>Loads the configured keys and the keys file (throws naming the problem: used at start-up, where it stops the server).</summary>
    public void LoadOrThrow()
    {
        string? path = _options.CurrentValue.KeysFile;
        lock (_reload)
        {
            _configured = ApiKeyFile.ToRecords(_options.CurrentValue.ApiKeys, "Auth:ApiKeys");
            if (!string.IsNullOrWhiteSpace(path))
            {
                if (!File.Exists(path))
                {
                    throw new InvalidDataException($"Auth:KeysFile '{path}' does not exist");
                }
                _fileStamp = Stamp(path);
                _fromFile = ApiKeyFile.Load(path);
            }
            Publish();
        }
        if (_options.CurrentValue.HasApiKeys)
        {
            ServerLog.ApiKeysLoaded(_logger, _keys.Count, LogText.Escape(path, LogText.PropertyLength) ?? "(none)");
        }
    }

    /// <summary>The current keys, after re-reading the file if it changed.</summary>
    public IReadOnlyList<ApiKeyRecord> Current
    {
        get
        {
            long now = _time.GetTimestamp();
            if (now >= Volatile.Read(ref _nextCheck))
            {
                CheckFile(now);
            }
            return _keys;
        }
    }

    private void CheckFile(long now)
    {
        var options = _options.CurrentValue;
        lock (_reload)
        {
            if (now < _nextCheck)
            {
                return;
            }
            _nextCheck = now + (long)(options.KeysReloadSeconds * (double)_time.TimestampFrequency);
            string? path = options.KeysFile;
            if (string.IsNullOrWhiteSpace(path))
            {
                return;
            }
            try
            {
                var stamp = Stamp(path);
                if (stamp == _fileStamp)
                {
                    return;
                }
                _fileStamp = stamp;
                _fromFile = ApiKeyFile.Load(path);
                Publish();
                ServerLog.ApiKeysLoaded(_logger, _keys.Count, LogText.Escape(path, LogText.PropertyLength)!);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                ServerLog.ApiKeysReloadFailed(_logger, LogText.Escape(path, LogText.PropertyLength)!, LogText.Escape(e.Message, LogText.DetailLength)!);
            }
        }
    }

    private void ReloadConfigured(AuthOptions options)
    {
        try
        {
            var configured = ApiKeyFile.ToRecords(options.ApiKeys, "Auth:ApiKeys");
            lock (_reload)
            {
                _configured = configured;
                Publish();
            }
        }
        catch (InvalidDataException e)
        {
            ServerLog.ApiKeysReloadFailed(_logger, "Auth:ApiKeys", LogText.Escape(e.Message, LogText.DetailLength)!);
        }
    }

    private void Publish() => _keys = [.. _configured, .. _fromFile];

    private static (DateTime, long)? Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
    }
}
