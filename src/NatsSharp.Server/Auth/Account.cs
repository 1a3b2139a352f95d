using NatsSharp.Server.Accounts;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Auth;

/// <summary>An isolated subject space. Every client belongs to one; "$G" is the default.</summary>
internal sealed class Account
{
    public const string GlobalName = "$G";

    public Account(string name, bool enableCache)
    {
        Name = name;
        Sublist = new Sublist(enableCache);
        Responses = new ServiceResponses(this);
    }

    public string Name { get; }

    public Sublist Sublist { get; }

    /// <summary>Streams this account imports; set once at start, before any client connects.</summary>
    public IReadOnlyList<StreamImport> StreamImports { get; set; } = [];

    /// <summary>Services this account imports (for monitoring; their subscriptions do the work).</summary>
    public IReadOnlyList<ServiceImport> ServiceImports { get; set; } = [];

    /// <summary>This account's exports, as configured.</summary>
    public IReadOnlyList<AccountExport> Exports { get; set; } = [];

    /// <summary>Reply mappings of this account's service requests.</summary>
    public ServiceResponses Responses { get; }

    /// <summary>Owns the subscriptions the server makes for this account's imports.</summary>
    public InternalClient Internal { get; } = new();
}
