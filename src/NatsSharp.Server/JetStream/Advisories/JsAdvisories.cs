using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NatsSharp.Server.Internal;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>
/// The advisories and metrics nats-server 2.9.10 publishes on $JS.EVENT.&gt; in the account that owns
/// the stream (jetstream_events.go): same subjects, same JSON. Nothing is built when nobody listens.
/// </summary>
internal sealed class JsAdvisories
{
    private const string AdvisoryPrefix = "$JS.EVENT.ADVISORY.";
    private readonly JetStreamEngine _engine;

    public JsAdvisories(JetStreamEngine engine) => _engine = engine;

    /// <summary>$JS.EVENT.ADVISORY.API after the answer to a $JS.API request (the request body when there was one).</summary>
    public void ApiAudit(JsAccount js, ReceivedMessage request, byte[] response)
    {
        const string subject = AdvisoryPrefix + "API";
        if (!Listened(js, subject))
        {
            return;
        }

        Publish(js, subject, new ApiAuditAdvisory
        {
            Id = NewId(),
            Timestamp = DateTime.UtcNow,
            Server = _engine.ServerName,
            Client = new AdvisoryClientInfo { Account = js.Account.Name, Server = _engine.ServerName },
            Subject = request.Subject,
            Request = request.Data.Length > 0 ? Encoding.UTF8.GetString(request.Data) : null,
            Response = Encoding.UTF8.GetString(response),
            Domain = _engine.Domain,
        }, AdvisoryJson.Default.ApiAuditAdvisory);
    }

    /// <summary>STREAM.CREATED / UPDATED / DELETED; <paramref name="action"/> is create, modify or delete.</summary>
    public void StreamAction(JsAccount js, string stream, string action)
    {
        string subject = AdvisoryPrefix + "STREAM." + action switch { "create" => "CREATED", "modify" => "UPDATED", _ => "DELETED" } + "." + stream;
        if (Listened(js, subject))
        {
            Publish(js, subject, new StreamActionAdvisory { Id = NewId(), Timestamp = DateTime.UtcNow, Stream = stream, Action = action, Domain = _engine.Domain },
                AdvisoryJson.Default.StreamActionAdvisory);
        }
    }

    /// <summary>CONSUMER.CREATED / DELETED; <paramref name="action"/> is create or delete.</summary>
    public void ConsumerAction(JsAccount js, string stream, string consumer, string action)
    {
        string subject = AdvisoryPrefix + "CONSUMER." + (action == "create" ? "CREATED" : "DELETED") + "." + stream + "." + consumer;
        if (Listened(js, subject))
        {
            Publish(js, subject, new ConsumerActionAdvisory { Id = NewId(), Timestamp = DateTime.UtcNow, Stream = stream, Consumer = consumer, Action = action, Domain = _engine.Domain },
                AdvisoryJson.Default.ConsumerActionAdvisory);
        }
    }

    /// <summary>CONSUMER.MSG_NAKED: a pending message was nak'ed.</summary>
    public void Naked(JsAccount js, string stream, string consumer, ulong sseq, ulong dseq, ulong deliveries) =>
        Delivery(js, "MSG_NAKED", "io.nats.jetstream.advisory.v1.nak", stream, consumer, sseq, dseq, deliveries);

    /// <summary>CONSUMER.MSG_TERMINATED: a message was terminated (+TERM).</summary>
    public void Terminated(JsAccount js, string stream, string consumer, ulong sseq, ulong dseq, ulong deliveries) =>
        Delivery(js, "MSG_TERMINATED", "io.nats.jetstream.advisory.v1.terminated", stream, consumer, sseq, dseq, deliveries);

    /// <summary>CONSUMER.MAX_DELIVERIES: a message due again had been delivered max_deliver times and is given up.</summary>
    public void MaxDeliveries(JsAccount js, string stream, string consumer, ulong sseq, ulong deliveries)
    {
        string subject = AdvisoryPrefix + "CONSUMER.MAX_DELIVERIES." + stream + "." + consumer;
        if (Listened(js, subject))
        {
            Publish(js, subject, new MaxDeliveriesAdvisory
            {
                Id = NewId(), Timestamp = DateTime.UtcNow, Stream = stream, Consumer = consumer, StreamSequence = sseq, Deliveries = deliveries, Domain = _engine.Domain,
            }, AdvisoryJson.Default.MaxDeliveriesAdvisory);
        }
    }

    /// <summary>$JS.EVENT.METRIC.CONSUMER.ACK: an explicit ack of a pending message, sampled at the consumer's sample_freq.</summary>
    public void AckSample(JsAccount js, string stream, string consumer, string? sampleFrequency, ulong sseq, ulong dseq, ulong deliveries, long ackTimeNs)
    {
        int percent = SamplePercent(sampleFrequency);
        if (percent <= 0 || (percent < 100 && Random.Shared.Next(100) > percent))
        {
            return;
        }

        string subject = "$JS.EVENT.METRIC.CONSUMER.ACK." + stream + "." + consumer;
        if (Listened(js, subject))
        {
            Publish(js, subject, new AckMetric
            {
                Id = NewId(), Timestamp = DateTime.UtcNow, Stream = stream, Consumer = consumer, ConsumerSequence = dseq, StreamSequence = sseq,
                AckTimeNs = ackTimeNs, Deliveries = deliveries, Domain = _engine.Domain,
            }, AdvisoryJson.Default.AckMetric);
        }
    }

    /// <summary>STREAM.SNAPSHOT_CREATE: a snapshot was answered and its chunks are about to go out.</summary>
    public void SnapshotCreate(JsAccount js, string stream, Streams.StreamState state)
    {
        string subject = AdvisoryPrefix + "STREAM.SNAPSHOT_CREATE." + stream;
        if (Listened(js, subject))
        {
            Publish(js, subject, new SnapshotCreateAdvisory { Id = NewId(), Timestamp = DateTime.UtcNow, Stream = stream, State = state, Client = ClientOf(js), Domain = _engine.Domain },
                AdvisoryJson.Default.SnapshotCreateAdvisory);
        }
    }

    /// <summary>STREAM.SNAPSHOT_COMPLETE: the last chunk (the empty one) went out.</summary>
    public void SnapshotComplete(JsAccount js, string stream, DateTime start, DateTime end)
    {
        string subject = AdvisoryPrefix + "STREAM.SNAPSHOT_COMPLETE." + stream;
        if (Listened(js, subject))
        {
            Publish(js, subject, new SnapshotCompleteAdvisory { Id = NewId(), Timestamp = end, Stream = stream, Start = start, End = end, Client = ClientOf(js), Domain = _engine.Domain },
                AdvisoryJson.Default.SnapshotCompleteAdvisory);
        }
    }

    /// <summary>STREAM.RESTORE_CREATE: a restore was accepted (before its answer, as nats-server).</summary>
    public void RestoreCreate(JsAccount js, string stream, DateTime start)
    {
        string subject = AdvisoryPrefix + "STREAM.RESTORE_CREATE." + stream;
        if (Listened(js, subject))
        {
            Publish(js, subject, new RestoreCreateAdvisory { Id = NewId(), Timestamp = start, Stream = stream, Client = ClientOf(js), Domain = _engine.Domain },
                AdvisoryJson.Default.RestoreCreateAdvisory);
        }
    }

    /// <summary>STREAM.RESTORE_COMPLETE: the client's last (empty) chunk was processed, whether the restore worked or not.</summary>
    public void RestoreComplete(JsAccount js, string stream, DateTime start, DateTime end, long bytes)
    {
        string subject = AdvisoryPrefix + "STREAM.RESTORE_COMPLETE." + stream;
        if (Listened(js, subject))
        {
            Publish(js, subject, new RestoreCompleteAdvisory { Id = NewId(), Timestamp = end, Stream = stream, Start = start, End = end, Bytes = bytes, Client = ClientOf(js), Domain = _engine.Domain },
                AdvisoryJson.Default.RestoreCompleteAdvisory);
        }
    }

    /// <summary>sample_freq as nats-server reads it: "30%" or "30"; anything else samples nothing.</summary>
    public static int SamplePercent(string? sampleFrequency) =>
        sampleFrequency is { Length: > 0 } s && int.TryParse(s.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : 0;

    private void Delivery(JsAccount js, string kind, string type, string stream, string consumer, ulong sseq, ulong dseq, ulong deliveries)
    {
        string subject = AdvisoryPrefix + "CONSUMER." + kind + "." + stream + "." + consumer;
        if (Listened(js, subject))
        {
            Publish(js, subject, new DeliveryAdvisory
            {
                Type = type, Id = NewId(), Timestamp = DateTime.UtcNow, Stream = stream, Consumer = consumer,
                ConsumerSequence = dseq, StreamSequence = sseq, Deliveries = deliveries, Domain = _engine.Domain,
            }, AdvisoryJson.Default.DeliveryAdvisory);
        }
    }

    private AdvisoryClientInfo ClientOf(JsAccount js) => new() { Account = js.Account.Name, Server = _engine.ServerName };

    private static bool Listened(JsAccount js, string subject) => !js.Account.Sublist.Match(Encoding.UTF8.GetBytes(subject)).IsEmpty;

    private void Publish<T>(JsAccount js, string subject, T value, JsonTypeInfo<T> info) =>
        _engine.Internal.Publish(js.Account, subject, null, JsonSerializer.SerializeToUtf8Bytes(value, info));

    /// <summary>A 22-character base-62 id, the shape of nats-server's nuid.</summary>
    private static string NewId() => string.Create(22, 0, static (span, _) =>
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        }
    });
}
