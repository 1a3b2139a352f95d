namespace NatsSharp.Server.Accounts;

/// <summary>Whether an export or import carries a stream (messages flow out) or a service (requests flow in, replies back).</summary>
public enum ExchangeKind
{
    Stream,
    Service,
}

/// <summary>How many responses a service request may get before its reply mapping is dropped.</summary>
public enum ServiceResponseType
{
    Singleton,
    Streamed,
    Chunked,
}

/// <summary>One entry of an account's <c>exports: [...]</c>.</summary>
public sealed class AccountExport
{
    public required ExchangeKind Kind { get; init; }

    /// <summary>The exported subject (wildcards allowed).</summary>
    public required string Subject { get; init; }

    /// <summary>The accounts allowed to import; empty means public.</summary>
    public IReadOnlyList<string> Accounts { get; init; } = [];

    public ServiceResponseType ResponseType { get; init; } = ServiceResponseType.Singleton;

    /// <summary>How long a service's reply mapping lives (nats-server's default: 2 minutes).</summary>
    public TimeSpan ResponseThreshold { get; init; } = TimeSpan.FromMinutes(2);
}
