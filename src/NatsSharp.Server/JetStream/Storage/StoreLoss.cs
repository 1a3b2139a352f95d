namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// What a store cut at open because it failed its checks (a torn write after a crash, a flipped
/// bit): the JetStream layer logs it as a warning. <paramref name="LastGoodSequence"/> is the last
/// sequence read intact before the cut (0 if none in that file).
/// </summary>
internal sealed record StoreLoss(string File, long Offset, long BytesLost, ulong LastGoodSequence, string Reason);
