using NatsSharp.Server.Internal;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>One item of a stream's loop: a captured publish, or an ack for one of its consumers.</summary>
internal readonly record struct StreamWork(ReceivedMessage Message, Consumers.Consumer? AckFor);
