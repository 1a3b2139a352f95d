namespace NatsSharp.Server.Connections;

/// <summary>What <see cref="DeliveryStaging.Stage"/> did with a frame.</summary>
internal enum DeliveryStageResult
{
    /// <summary>Not staged (too large, or the connection is going): queue it directly.</summary>
    No,

    /// <summary>Nothing staged, as a slot is full: commit, then stage it again.</summary>
    Full,

    /// <summary>Staged for a connection already staged for since the last commit.</summary>
    Staged,

    /// <summary>Staged for a connection not staged for since the last commit.</summary>
    StagedNew,
}
