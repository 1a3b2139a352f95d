using System.Globalization;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// A stream's <c>republish</c>: after a message is stored, one whose subject matches <c>src</c> is
/// published on <c>dest</c> (nats-server's subject transform) with the Nats-Stream, Nats-Subject,
/// Nats-Sequence and Nats-Last-Sequence headers (and Nats-Msg-Size without the payload for
/// <c>headers_only</c>), as nats-server 2.9.10's processJetStreamMsg does.
/// </summary>
internal sealed class Republisher
{
    private readonly string _source;
    private readonly SubjectTransform _transform;
    private readonly bool _headersOnly;

    private Republisher(string source, SubjectTransform transform, bool headersOnly)
    {
        _source = source;
        _transform = transform;
        _headersOnly = headersOnly;
    }

    /// <summary>The republisher of a validated config (null when the stream has none).</summary>
    public static Republisher? Create(RePublishConfig? config)
    {
        if (config is null)
        {
            return null;
        }

        string source = string.IsNullOrEmpty(config.Source) ? ">" : config.Source;
        return SubjectTransform.TryCreateMapping(source, config.Destination, out _) is { } transform
            ? new Republisher(source, transform, config.HeadersOnly)
            : null;
    }

    /// <summary>Whether nats-server would build a transform from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static bool IsValid(string source, string destination) =>
        JsSubject.IsValid(destination) && SubjectTransform.TryCreateMapping(source, destination, out _) is not null;

    /// <summary>Whether a message on <paramref name="subject"/> is republished (the caller then looks up the subject's last sequence before storing).</summary>
    public bool Matches(string subject) => JsSubject.Matches(subject, _source);

    /// <summary>Publishes the stored message <paramref name="sequence"/>; <paramref name="lastSequence"/> is the subject's previous one (0 = none).</summary>
    public void Publish(JsStream stream, string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ulong sequence, ulong lastSequence)
    {
        string destination = _transform.Apply(subject);
        string extra = string.Create(CultureInfo.InvariantCulture,
            $"Nats-Stream: {stream.Name}\r\nNats-Subject: {subject}\r\nNats-Sequence: {sequence}\r\nNats-Last-Sequence: {lastSequence}");
        if (_headersOnly)
        {
            extra += string.Create(CultureInfo.InvariantCulture, $"\r\nNats-Msg-Size: {data.Length}");
        }

        byte[] hdr = JsHeaders.Append(header, extra);
        stream.Account.Engine.Internal.Publish(stream.Account.Account, destination, null, _headersOnly ? default : data, hdr);
    }
}
