namespace NatsSharp.Server.JetStream.Storage;

/// <summary>One stored message. The memory may be shared with the store's cache: copy it to keep it.</summary>
internal readonly record struct StoredMessage(ulong Sequence, string Subject, ReadOnlyMemory<byte> Header, ReadOnlyMemory<byte> Data, long TimestampNs);

/// <summary>A stream's limits as its store enforces them; -1 (or zero age) = unlimited.</summary>
internal sealed record StreamStoreLimits(long MaxMsgs = -1, long MaxBytes = -1, TimeSpan MaxAge = default, long MaxMsgsPerSubject = -1);

/// <summary>STREAM.INFO's state numbers.</summary>
internal readonly record struct StreamStoreState(
    ulong Messages,
    ulong Bytes,
    ulong FirstSequence,
    long FirstTimestampNs,
    ulong LastSequence,
    long LastTimestampNs,
    ulong NumDeleted,
    ulong NumSubjects);

/// <summary>Consumer and stream sequence of one delivery (nats-server's SequencePair).</summary>
internal readonly record struct SequencePair(ulong ConsumerSequence, ulong StreamSequence);

/// <summary>A delivered, unacknowledged message.</summary>
internal readonly record struct PendingDelivery(ulong ConsumerSequence, long TimestampNs);

internal sealed class ConsumerState
{
    public SequencePair Delivered { get; set; }

    public SequencePair AckFloor { get; set; }

    /// <summary>By stream sequence.</summary>
    public Dictionary<ulong, PendingDelivery> Pending { get; } = [];

    /// <summary>JsStream sequence → delivery count, for messages delivered more than once.</summary>
    public Dictionary<ulong, ulong> Redelivered { get; } = [];
}

/// <summary>How a file store writes (jetstream { sync_interval } and friends).</summary>
internal sealed record FileStoreOptions(bool SyncAlways = false, TimeSpan SyncInterval = default, int BlockSize = 8 * 1024 * 1024);
