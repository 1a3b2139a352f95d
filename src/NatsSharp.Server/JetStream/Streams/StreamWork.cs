using NatsSharp.Server.Internal;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// One item of a stream's loop: a captured publish (in a pooled <paramref name="Buffer"/>: reply, header,
/// data; the loop returns it), a message handed over as a copy, or an ack for one of its consumers.
/// </summary>
internal readonly record struct StreamWork(
    ReceivedMessage Message,
    Consumers.Consumer? AckFor,
    byte[]? Buffer = null,
    string? Subject = null,
    int ReplyLength = 0,
    int HeaderLength = 0,
    int DataLength = 0);
