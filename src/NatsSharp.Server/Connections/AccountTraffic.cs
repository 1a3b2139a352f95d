namespace NatsSharp.Server.Connections;

/// <summary>An account's open clients: how many, and what they have sent (in) and received (out) so far.</summary>
internal readonly record struct AccountTraffic(int Clients, long InMsgs, long InBytes, long OutMsgs, long OutBytes);
