using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>
/// Builds a stream from a received snapshot archive. File storage is built in a staging directory (under
/// the account's <c>__snapshots__</c>) and renamed into <c>streams/&lt;name&gt;</c> only once complete and
/// admitted, then opened through the engine's start-up loading path; memory storage is built in a new
/// memory store. Whatever fails leaves no stream and no directory behind.
/// </summary>
internal static class SnapshotRestorer
{
    /// <summary>
    /// Restores <paramref name="archivePath"/> as <paramref name="config"/> (the request's config, as nats-server
    /// restores under it). <paramref name="admit"/> runs under the account's lock just before the stream is
    /// added (name, limits, overlap). Returns the error, or null with the started stream in <paramref name="restored"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The restored stream owns its store; every failure disposes it.")]
    public static JsApiError? Restore(JetStreamEngine engine, JsAccount js, StreamConfig config, string archivePath, string stagingDir,
        Func<JsApiError?> admit, out JsStream? restored)
    {
        restored = null;
        bool memory = config.Storage == "memory";
        IStreamStore? store = null;
        DateTime created;
        var consumersCreated = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        try
        {
            using (var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var input = new BufferedStream(gzip, 64 * 1024))
            {
                var reader = new SnapshotReader(input);
                reader.ReadMagic();
                if (reader.Next() != SnapshotFormat.StreamRecord)
                {
                    throw new InvalidDataException("snapshot does not start with its stream");
                }

                ReadOnlySpan<byte> p = reader.Payload;
                int jsonLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(p);
                SnapshotStreamMeta meta = JsonSerializer.Deserialize(p.Slice(4, jsonLength), SnapshotJson.Default.SnapshotStreamMeta)
                    ?? throw new InvalidDataException("snapshot stream record is empty");
                ReadOnlySpan<byte> s = p[(4 + jsonLength)..];
                ulong lastSeq = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
                long lastTs = BinaryPrimitives.ReadInt64LittleEndian(s[16..]);
                if (meta.Config.Name != config.Name)
                {
                    return JsErrors.StreamRestoreErrF.With("stream names do not match"); // nats-server's check
                }

                created = meta.Created;
                store = memory ? StreamStoreFactory.Memory(new StreamStoreLimits()) : engine.FileStoreFactory(stagingDir, new StreamStoreLimits());
                ReadRecords(reader, store, memory, consumersCreated);
                if (lastSeq > store.State.LastSequence)
                {
                    store.SkipTo(lastSeq, lastTs); // deletes at the end, or an empty stream that had messages
                }

                store.WriteMetadata(JsonSerializer.SerializeToUtf8Bytes(config, JsJson.Default.StreamConfig));
                if (!memory)
                {
                    store.Sync();
                    store.Dispose();
                    store = null;
                }
            }

            lock (js.Lock)
            {
                if (admit() is { } refused)
                {
                    store?.Dispose();
                    return refused;
                }

                if (!memory)
                {
                    string streamDir = engine.StreamDir(js.Account, config.Name);
                    if (Directory.Exists(streamDir))
                    {
                        Directory.Delete(streamDir, recursive: true); // left by nothing we know of (nats-server removes it too)
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(streamDir)!);
                    Directory.Move(stagingDir, streamDir);
                    store = engine.FileStoreFactory(streamDir, JsStream.LimitsOf(config));
                }

                restored = JetStreamEngine.Load(js, store!, config, created, consumersCreated);
                js.Add(restored);
                restored.Start();
            }

            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or JsonException or UnauthorizedAccessException or ArgumentException)
        {
            store?.Dispose();
            if (!memory && restored is null && engine.StreamDir(js.Account, config.Name) is var dir && Directory.Exists(dir) && js.Find(config.Name) is null)
            {
                TryDelete(dir);
            }

            return JsErrors.StreamRestoreErrF.With(ex.Message);
        }
        finally
        {
            TryDelete(stagingDir);
        }
    }

    private static void ReadRecords(SnapshotReader reader, IStreamStore store, bool memory, Dictionary<string, DateTime> consumersCreated)
    {
        ulong messages = 0;
        int consumers = 0;
        while (true)
        {
            byte kind = reader.Next();
            ReadOnlySpan<byte> p = reader.Payload;
            switch (kind)
            {
                case SnapshotFormat.MessageRecord:
                    {
                        if (p.Length < SnapshotFormat.MessageFixedSize)
                        {
                            throw new InvalidDataException("snapshot message record is short");
                        }

                        ulong seq = BinaryPrimitives.ReadUInt64LittleEndian(p);
                        long ts = BinaryPrimitives.ReadInt64LittleEndian(p[8..]);
                        int subjectLength = BinaryPrimitives.ReadUInt16LittleEndian(p[16..]);
                        long headerLength = BinaryPrimitives.ReadUInt32LittleEndian(p[18..]);
                        ulong last = store.State.LastSequence;
                        if (seq <= last || SnapshotFormat.MessageFixedSize + subjectLength + headerLength > p.Length)
                        {
                            throw new InvalidDataException("snapshot message record out of order or damaged");
                        }

                        if (seq > last + 1)
                        {
                            store.SkipTo(seq - 1); // interior deletes
                        }

                        ReadOnlySpan<byte> body = p[SnapshotFormat.MessageFixedSize..];
                        string subject = Encoding.UTF8.GetString(body[..subjectLength]);
                        store.Append(subject, body.Slice(subjectLength, (int)headerLength), body[(subjectLength + (int)headerLength)..], ts);
                        messages++;
                        break;
                    }

                case SnapshotFormat.ConsumerRecord:
                    {
                        int jsonLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(p);
                        SnapshotConsumerMeta meta = JsonSerializer.Deserialize(p.Slice(4, jsonLength), SnapshotJson.Default.SnapshotConsumerMeta)
                            ?? throw new InvalidDataException("snapshot consumer record is empty");
                        ConsumerState state = SnapshotFormat.ReadState(p[(4 + jsonLength)..]);
                        if (meta.Name.Length == 0 || meta.Name.Contains('/') || meta.Name.Contains('\\') || meta.Name.Contains('.'))
                        {
                            throw new InvalidDataException("snapshot consumer name is not valid");
                        }

                        consumers++;
                        if (meta.Config.MemoryStorage && !memory)
                        {
                            break; // its state would not be kept on a file stream (the create path gives it a memory store)
                        }

                        IConsumerStore cs = store.OpenConsumer(meta.Name);
                        cs.WriteMetadata(JsonSerializer.SerializeToUtf8Bytes(meta.Config, JsJson.Default.ConsumerConfig));
                        cs.Replace(state);
                        if (!memory)
                        {
                            cs.Dispose();
                        }

                        consumersCreated[meta.Name] = meta.Created;
                        break;
                    }

                case SnapshotFormat.EndRecord:
                    if (p.Length != 12 || BinaryPrimitives.ReadUInt64LittleEndian(p) != messages || BinaryPrimitives.ReadUInt32LittleEndian(p[8..]) != consumers)
                    {
                        throw new InvalidDataException("snapshot is incomplete");
                    }

                    return;
                case 0:
                    throw new InvalidDataException("unexpected end of snapshot");
                default:
                    throw new InvalidDataException("unknown snapshot record");
            }
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover staging directory is removed at the next start.
        }
    }
}
