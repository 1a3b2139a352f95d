namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// The messages of one stream, in sequence order (file or memory). The stream's own loop is the only
/// writer; consumers, direct gets and monitoring read concurrently, so every member is thread-safe.
/// Sequences start at 1 and never go back; a removed message leaves a gap (an interior delete).
/// The store enforces its <see cref="Limits"/> itself after every append (discard old): the stream
/// checks discard-new against <see cref="State"/> before it appends.
/// </summary>
internal interface IStreamStore : IDisposable
{
    /// <summary>Counts and bounds, as STREAM.INFO's <c>state</c> shows them.</summary>
    StreamStoreState State { get; }

    /// <summary>The limits in force (max_msgs, max_bytes, max_age, max_msgs_per_subject).</summary>
    StreamStoreLimits Limits { get; }

    /// <summary>Applies new limits at once (removing what no longer fits).</summary>
    void UpdateLimits(StreamStoreLimits limits);

    /// <summary>
    /// Appends a message under the next sequence; <paramref name="timestampNs"/> is Unix nanoseconds
    /// (0 = now). Written to the OS before it returns (survives a kill of the process); fsync per
    /// <see cref="FileStoreOptions.SyncAlways"/>. Returns the sequence and the stored timestamp.
    /// </summary>
    (ulong Sequence, long TimestampNs) Append(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, long timestampNs = 0);

    /// <summary>
    /// Appends like <see cref="Append"/> but may leave the record in the store's write buffer (group
    /// commit): it is readable at once and handed to the OS by <see cref="Flush"/>, or before any other
    /// member of the store does its work. The stream's loop appends a run of publishes, flushes once,
    /// and only then acknowledges them.
    /// </summary>
    (ulong Sequence, long TimestampNs) AppendBuffered(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data);

    /// <summary>Hands what <see cref="AppendBuffered"/> left in the write buffer to the OS (and fsyncs with sync always).</summary>
    void Flush();

    /// <summary>
    /// Moves the last sequence to <paramref name="sequence"/> without a message, so the next append gets
    /// <paramref name="sequence"/> + 1 (mirrors keep the origin's numbers); nothing when it is not past the last.
    /// <paramref name="timestampNs"/> (0 = now) becomes the last timestamp (a restore keeps the snapshot's).
    /// </summary>
    void SkipTo(ulong sequence, long timestampNs = 0);

    bool TryLoad(ulong sequence, out StoredMessage message);

    /// <summary>The first message at or after <paramref name="startSequence"/> whose subject matches <paramref name="filter"/> ("" or ">" = all; wildcards allowed).</summary>
    bool TryLoadNext(string filter, ulong startSequence, out StoredMessage message);

    /// <summary>The last message whose subject matches <paramref name="filter"/> (wildcards allowed).</summary>
    bool TryLoadLast(string filter, out StoredMessage message);

    /// <summary>Removes one message; <paramref name="erase"/> also overwrites its bytes on disk. False if it was not there.</summary>
    bool Remove(ulong sequence, bool erase = false);

    /// <summary>
    /// nats-server's purge: messages matching <paramref name="subject"/> (null = all), below
    /// <paramref name="upToSequence"/> when not 0, keeping the newest <paramref name="keep"/> when not 0.
    /// Returns how many were removed. A full purge moves the first sequence to last + 1.
    /// </summary>
    ulong Purge(string? subject = null, ulong upToSequence = 0, ulong keep = 0);

    /// <summary>Removes messages older than the max_age limit; the stream calls it on a timer. Returns how many.</summary>
    ulong ExpireByAge(long nowNs);

    /// <summary>Messages per subject matching <paramref name="filter"/> (STREAM.INFO subjects_filter, KV keys).</summary>
    IReadOnlyDictionary<string, ulong> SubjectTotals(string filter);

    /// <summary>
    /// How many messages at or after <paramref name="startSequence"/> match <paramref name="filter"/>;
    /// with <paramref name="lastPerSubject"/>, only the last of each subject counts (a consumer's num_pending).
    /// </summary>
    ulong NumPending(ulong startSequence, string filter, bool lastPerSubject);

    /// <summary>Called (on the removing thread) for each message the store removes by limits or age.</summary>
    Action<ulong, string>? Removed { get; set; }

    /// <summary>The stream's config as the JetStream layer serialized it; kept beside the messages.</summary>
    void WriteMetadata(ReadOnlySpan<byte> json);

    /// <summary>The metadata written last, or null (a new store, or it failed its checksum).</summary>
    byte[]? ReadMetadata();

    /// <summary>The consumer's state store, created if new (its directory lives under the stream's).</summary>
    IConsumerStore OpenConsumer(string name);

    /// <summary>Names of the consumers that have state here (for recovery at start).</summary>
    IReadOnlyList<string> ConsumerNames();

    void DeleteConsumer(string name);

    /// <summary>Flushes what the OS holds to the disk (fsync).</summary>
    void Sync();

    /// <summary>Deletes every file of the stream (STREAM.DELETE); the store is unusable afterwards.</summary>
    void Delete();
}
