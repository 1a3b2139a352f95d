namespace NatsSharp.Server.Accounts;

/// <summary>One entry of an account's <c>imports: [...]</c>.</summary>
public sealed class AccountImport
{
    public required ExchangeKind Kind { get; init; }

    /// <summary>The exporting account.</summary>
    public required string Account { get; init; }

    /// <summary>The subject in the exporting account.</summary>
    public required string Subject { get; init; }

    /// <summary>
    /// The subject in the importing account: where a stream's messages appear, or what a
    /// service is requested on. Empty means the same as <see cref="Subject"/>.
    /// </summary>
    public string To { get; init; } = "";

    /// <summary>Stream imports only: a literal prefix put before the exported subject.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Service imports: <c>share</c> (latency sharing; accepted, nothing to share without the system account).</summary>
    public bool Share { get; init; }

    /// <summary>The subject in the importing account, with <c>to</c> or <c>prefix</c> applied.</summary>
    public string LocalSubject =>
        Prefix.Length > 0 ? Prefix.TrimEnd('.') + "." + Subject : To.Length > 0 ? To : Subject;
}
