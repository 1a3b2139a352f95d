namespace NatsSharp.Server.Monitoring;

/// <summary>
/// What a sum over the open clients' counters depends on: the registry's membership version and the
/// server-wide message counters, read before the walk.
/// </summary>
internal readonly record struct TrafficKey(long Membership, long InMsgs, long InBytes, long OutMsgs, long OutBytes);
