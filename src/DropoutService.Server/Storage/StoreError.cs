namespace DropoutService.Server.Storage;

/// <summary>Why a store call failed, in terms the error mapper turns into statuses.</summary>
public enum StoreError
{
    /// <summary>The model or version does not exist (any more).</summary>
    NotFound,

    /// <summary>The model id is taken.</summary>
    AlreadyExists,

    /// <summary>No space left (disk full, quota, database out of disk): nothing was written.</summary>
    Full,

    /// <summary>This process may not write: a read-only follower, or a read-only file system or database.</summary>
    ReadOnly,

    /// <summary>The store cannot be reached or used now (database down); retrying later may work.</summary>
    Unavailable,

    /// <summary>A stored version exists but cannot be decoded.</summary>
    Corrupt,

    /// <summary>Another process holds the directory store's writer lock.</summary>
    Locked,

    /// <summary>The store refused a write that breaks its rules (a duplicate version number).</summary>
    Conflict,
}
