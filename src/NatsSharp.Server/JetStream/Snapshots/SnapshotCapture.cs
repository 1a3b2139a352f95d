using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>
/// What a snapshot fixes when it starts, under the stream's lock: the config, the state the response
/// reports, the sequence range to copy and each consumer's stored state. Messages are read later, in batches.
/// </summary>
internal sealed class SnapshotCapture
{
    private SnapshotCapture(StreamConfig config, DateTime created, StreamState info, StreamStoreState store, List<(SnapshotConsumerMeta, byte[])> consumers)
    {
        Config = config;
        Created = created;
        Info = info;
        Store = store;
        Consumers = consumers;
    }

    public StreamConfig Config { get; }

    public DateTime Created { get; }

    /// <summary>The state as STREAM.INFO shows it (the response and the SNAPSHOT_CREATE advisory carry it).</summary>
    public StreamState Info { get; }

    public StreamStoreState Store { get; }

    /// <summary>Each consumer's name, config and stored state (<see cref="SnapshotFormat.WriteState"/>).</summary>
    public List<(SnapshotConsumerMeta Meta, byte[] State)> Consumers { get; }

    /// <summary>
    /// Takes the capture. Consumers on a file stream that keep their state in memory (<c>mem_storage</c>) are
    /// left out, as nats-server leaves them out (they do not survive a restart either).
    /// </summary>
    public static SnapshotCapture Take(JsStream stream, bool includeConsumers)
    {
        lock (stream.Lock)
        {
            StreamInfo info = stream.Info();
            var consumers = new List<(SnapshotConsumerMeta, byte[])>();
            bool memoryStream = stream.Config.Storage == "memory";
            foreach (Consumers.Consumer c in includeConsumers ? stream.Consumers.OrderBy(c => c.Name, StringComparer.Ordinal) : Enumerable.Empty<Consumers.Consumer>())
            {
                if (c.Config.MemoryStorage && !memoryStream)
                {
                    continue;
                }

                c.Store.Flush();
                consumers.Add((new SnapshotConsumerMeta { Name = c.Name, Created = c.Created, Config = c.Config }, SnapshotFormat.WriteState(c.Store.State)));
            }

            return new SnapshotCapture(stream.Config, stream.Created, info.State, stream.Store.State, consumers);
        }
    }
}
