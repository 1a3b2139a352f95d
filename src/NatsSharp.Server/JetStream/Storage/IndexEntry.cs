namespace NatsSharp.Server.JetStream.Storage;

/// <summary>Where one sequence's message lives, kept in memory per sequence (rebuilt from the blocks at open).</summary>
internal struct IndexEntry
{
    /// <summary>Null for a sequence with no message (deleted, skipped).</summary>
    public MessageBlock? Block;
    public int Offset;
    public int Length;
    public int SubjectId;
    /// <summary>nats-server counts 4 more bytes (the header length) for a message with headers.</summary>
    public bool HasHeader;
    public long TimestampNs;
    /// <summary>The next sequence with the same subject (0 = none); kept when this one is removed.</summary>
    public ulong NextInSubject;
}
