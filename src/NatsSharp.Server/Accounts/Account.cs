using NatsSharp.Server.Accounts;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

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

    private AccountLimits _limits = AccountLimits.None;
    private SubjectMapper? _mapper;
    private int _leafs;

    /// <summary>The account's subject mappings; null when it has none (what the message path tests). Replaced on reload.</summary>
    public SubjectMapper? Mapper
    {
        get => Volatile.Read(ref _mapper);
        set => Volatile.Write(ref _mapper, value);
    }
    private int _clients;

    /// <summary>The configured <c>limits { }</c>; replaced on reload.</summary>
    public AccountLimits Limits
    {
        get => Volatile.Read(ref _limits);
        set => Volatile.Write(ref _limits, value);
    }

    /// <summary>Client connections registered in this account.</summary>
    public int ClientCount => Volatile.Read(ref _clients);

    /// <summary>Counts one more client unless <c>max_connections</c> is reached (nats-server: "maximum account active connections exceeded").</summary>
    public bool TryAddClient()
    {
        while (true)
        {
            int now = Volatile.Read(ref _clients);
            int max = Limits.MaxConnections;
            if (max != AccountLimits.NoLimit && now >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _clients, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    public void RemoveClient() => Interlocked.Decrement(ref _clients);

    /// <summary>Leaf connections bound to this account.</summary>
    public int LeafCount => Volatile.Read(ref _leafs);

    /// <summary>Counts one more leaf connection unless <c>max_leafnodes</c> is reached (nats-server refuses it as "maximum account active connections exceeded").</summary>
    public bool TryAddLeaf()
    {
        while (true)
        {
            int now = Volatile.Read(ref _leafs);
            int max = Limits.MaxLeafNodes;
            if (max != AccountLimits.NoLimit && now >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _leafs, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    public void RemoveLeaf() => Interlocked.Decrement(ref _leafs);
}
