namespace NatsSharp.Server.JetStream;

/// <summary>Totals over every account, for /varz and /jsz.</summary>
internal readonly record struct JetStreamUsage(ulong Memory, ulong Storage, int Accounts, int Streams, int Consumers, ulong Messages, ulong Bytes, ulong ApiTotal, ulong ApiErrors);
