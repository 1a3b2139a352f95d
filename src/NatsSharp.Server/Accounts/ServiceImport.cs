using NatsSharp.Server.Auth;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// A service the importing account requests on <see cref="From"/>: a request published there
/// goes to the exporting account on <see cref="To"/>, with its reply subject swapped for one the
/// importing account's <see cref="ServiceResponses"/> maps back.
/// </summary>
internal sealed class ServiceImport : ImportBinding
{
    private readonly SubjectTransform? _toExporter; // null: the subject stays as published

    public ServiceImport(Account importer, Account exporter, string from, string to, AccountExport export)
    {
        Importer = importer;
        Exporter = exporter;
        From = from;
        To = to;
        ResponseType = export.ResponseType;
        ResponseThreshold = export.ResponseThreshold;
        if (from != to)
        {
            _toExporter = SubjectTransform.TryCreate(from, to, out _)
                ?? throw new NatsServerException($"failed to create mapping transform for service import subject \"{from}\" to \"{to}\"");
        }
    }

    public Account Importer { get; }

    public Account Exporter { get; }

    /// <summary>The subject requests are published on, in the importing account.</summary>
    public string From { get; }

    /// <summary>The subject the service listens on, in the exporting account.</summary>
    public string To { get; }

    public ServiceResponseType ResponseType { get; }

    public TimeSpan ResponseThreshold { get; }

    /// <summary>The import's <c>share</c> flag, as configured (shown by /accountz).</summary>
    public bool Share { get; init; }

    /// <summary>
    /// A request crossing this import carries who sent it in a <c>Nats-Request-Info</c> header (nats-server
    /// 2.10 adds it on every service import; only <c>$SYS.REQ.USER.INFO</c>'s system import needs it here).
    /// </summary>
    public bool CarriesRequester { get; init; }

    /// <summary>The request's subject in the exporting account; returns the length written to <paramref name="buffer"/>.</summary>
    public int MapToExporter(ReadOnlySpan<byte> subject, ref byte[] buffer) => SubjectTransform.Map(_toExporter, subject, ref buffer);
}
