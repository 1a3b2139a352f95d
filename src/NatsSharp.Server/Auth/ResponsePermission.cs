namespace NatsSharp.Server.Auth;

/// <summary>
/// <c>allow_responses</c>: the user may publish to reply subjects of requests it received,
/// up to <see cref="MaxMsgs"/> replies each within <see cref="Expires"/> (negative = unlimited).
/// </summary>
public sealed class ResponsePermission
{
    /// <summary>nats-server's DEFAULT_ALLOW_RESPONSE_MAX_MSGS.</summary>
    public const int DefaultMaxMsgs = 1;

    /// <summary>nats-server's DEFAULT_ALLOW_RESPONSE_EXPIRATION.</summary>
    public static readonly TimeSpan DefaultExpires = TimeSpan.FromMinutes(2);

    public int MaxMsgs { get; init; } = DefaultMaxMsgs;

    public TimeSpan Expires { get; init; } = DefaultExpires;
}
