namespace NatsSharp.Server.JetStream;

/// <summary>The <c>jetstream { }</c> block, -js and -sd (nats-server's JetStream options).</summary>
public sealed class JetStreamOptions
{
    /// <summary>The store directory; empty = a "nats/jetstream" folder under the temp directory, as nats-server.</summary>
    public string StoreDir { get; set; } = "";

    /// <summary>max_memory_store in bytes; -1 = 75% of the machine's memory, as nats-server.</summary>
    public long MaxMemory { get; set; } = -1;

    /// <summary>max_file_store in bytes; -1 = 1 TB, as nats-server's default for a disk it cannot size.</summary>
    public long MaxStore { get; set; } = -1;

    public string Domain { get; set; } = "";

    public JetStreamOptions Clone() => (JetStreamOptions)MemberwiseClone();
}
