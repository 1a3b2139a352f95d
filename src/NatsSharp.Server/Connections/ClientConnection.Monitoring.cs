namespace NatsSharp.Server.Connections;

/// <summary>What /connz shows of a client beyond the shared counters and RTT.</summary>
internal sealed partial class ClientConnection
{
    /// <summary>The account this client lives in (its user's, from CONNECT on).</summary>
    public string AccountName => Volatile.Read(ref _account).Name;

    /// <summary>The account <see cref="ClientRegistry"/> counts this client in while it is registered (under its lock).</summary>
    internal string? CountedAccount { get; set; }

    /// <summary>Its slot in that account's <see cref="AccountClients"/>.</summary>
    internal int AccountSlot { get; set; } = -1;
}
