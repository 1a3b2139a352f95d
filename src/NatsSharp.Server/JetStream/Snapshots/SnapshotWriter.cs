using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>
/// Writes a snapshot archive's records (<see cref="SnapshotFormat"/>) to a stream: the capture, then the
/// messages from the capture's first to its last sequence, read under the stream's lock in batches of at
/// most 512 messages or 1 MiB (the memory a snapshot holds), then the consumers and the end record.
/// A message removed while the snapshot runs is left out (a gap, restored as a deleted sequence).
/// </summary>
internal static class SnapshotWriter
{
    private const int BatchMessages = 512;
    private const int BatchBytes = 1024 * 1024;

    public static void Write(Stream output, JsStream stream, SnapshotCapture capture, Func<bool> stop)
    {
        output.Write(SnapshotFormat.Magic);
        WriteStream(output, capture);
        ulong written = 0;
        ulong seq = capture.Store.FirstSequence;
        ulong last = capture.Store.LastSequence;
        using var batch = new MemoryStream();
        byte[] record = new byte[4096];
        while (seq <= last && seq > 0 && !stop())
        {
            batch.SetLength(0);
            lock (stream.Lock)
            {
                for (int n = 0; n < BatchMessages && batch.Length < BatchBytes && seq <= last; n++)
                {
                    if (!stream.Store.TryLoadNext(">", seq, out StoredMessage m) || m.Sequence > last)
                    {
                        seq = last + 1;
                        break;
                    }

                    int size = SnapshotFormat.MessageFixedSize + Encoding.UTF8.GetByteCount(m.Subject) + m.Header.Length + m.Data.Length;
                    if (record.Length < size)
                    {
                        record = new byte[Math.Max(size, record.Length * 2)];
                    }

                    Span<byte> r = record;
                    BinaryPrimitives.WriteUInt64LittleEndian(r, m.Sequence);
                    BinaryPrimitives.WriteInt64LittleEndian(r[8..], m.TimestampNs);
                    int subjectLength = Encoding.UTF8.GetBytes(m.Subject, r[SnapshotFormat.MessageFixedSize..]);
                    BinaryPrimitives.WriteUInt16LittleEndian(r[16..], (ushort)subjectLength);
                    BinaryPrimitives.WriteUInt32LittleEndian(r[18..], (uint)m.Header.Length);
                    int at = SnapshotFormat.MessageFixedSize + subjectLength;
                    m.Header.Span.CopyTo(r[at..]);
                    m.Data.Span.CopyTo(r[(at + m.Header.Length)..]);
                    SnapshotFormat.WriteRecord(batch, SnapshotFormat.MessageRecord, r[..size]);
                    seq = m.Sequence + 1;
                    written++;
                }
            }

            output.Write(batch.GetBuffer(), 0, (int)batch.Length);
        }

        foreach ((SnapshotConsumerMeta meta, byte[] state) in capture.Consumers)
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(meta, SnapshotJson.Default.SnapshotConsumerMeta);
            byte[] payload = new byte[4 + json.Length + state.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)json.Length);
            json.CopyTo(payload, 4);
            state.CopyTo(payload, 4 + json.Length);
            SnapshotFormat.WriteRecord(output, SnapshotFormat.ConsumerRecord, payload);
        }

        Span<byte> end = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(end, written);
        BinaryPrimitives.WriteUInt32LittleEndian(end[8..], (uint)capture.Consumers.Count);
        SnapshotFormat.WriteRecord(output, SnapshotFormat.EndRecord, end);
    }

    private static void WriteStream(Stream output, SnapshotCapture capture)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new SnapshotStreamMeta { Config = capture.Config, Created = capture.Created }, SnapshotJson.Default.SnapshotStreamMeta);
        byte[] payload = new byte[4 + json.Length + 32];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)json.Length);
        json.CopyTo(payload, 4);
        Span<byte> s = payload.AsSpan(4 + json.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(s, capture.Store.FirstSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], capture.Store.LastSequence);
        BinaryPrimitives.WriteInt64LittleEndian(s[16..], capture.Store.LastTimestampNs);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], capture.Store.Messages);
        SnapshotFormat.WriteRecord(output, SnapshotFormat.StreamRecord, payload);
    }
}
