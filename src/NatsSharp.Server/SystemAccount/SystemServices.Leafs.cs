using NatsSharp.Server.Connections;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// Leafnode connections in the events, as nats-server 2.9.10 reports them: a leaf that joins or leaves
/// an account changes its connection count (<c>CONNS</c>, <c>leafnodes</c>); a leaf that passed the hub's
/// authentication gets the client <c>CONNECT</c> advisory with kind <c>Leafnode</c>, and its close the
/// <c>DISCONNECT</c> advisory. The global account is left out, as for clients. nats-server's
/// <c>$SYS.ACCOUNT.&lt;acc&gt;.LEAFNODE.CONNECT</c> is sent only by a server with gateways, which
/// NatsSharp does not have, so it never is.
/// </summary>
internal sealed partial class SystemServices
{
    /// <summary>A leaf joined <paramref name="account"/> (either side); a hub's authenticated leaf also gets the connect advisory.</summary>
    public void LeafRegistered(LeafConnection leaf, string account, ConnectOptions? hubSideConnect)
    {
        if (account == Accounts.Account.GlobalName)
        {
            return;
        }

        AccountConnsChanged(account);
        if (hubSideConnect is not null)
        {
            QueueConnectAdvisory(account, DateTime.UtcNow, DescribeLeaf(leaf, hubSideConnect, account, null));
        }
    }

    /// <summary>A leaf bound to <paramref name="account"/> closed: the count (when it had joined) and the disconnect advisory.</summary>
    public void LeafClosed(LeafConnection leaf, string account, ConnectOptions? hubSideConnect, bool wasCounted, ClosedReason reason)
    {
        if (account == Accounts.Account.GlobalName)
        {
            return;
        }

        DateTime now = DateTime.UtcNow;
        EventClientInfo info = DescribeLeaf(leaf, hubSideConnect, account, now);
        info.Rtt = leaf.Rtt.Ticks * 100;
        var message = new DisconnectEventMessage
        {
            Id = NextEventId(),
            Timestamp = GoFormat.Time(now),
            Client = info,
            Sent = new DataStats { Msgs = Volatile.Read(ref leaf.InMsgs), Bytes = Volatile.Read(ref leaf.InBytes) },
            Received = new DataStats { Msgs = Volatile.Read(ref leaf.OutMsgs), Bytes = Volatile.Read(ref leaf.OutBytes) },
            Reason = ClosedReasonText.Of(reason),
        };
        if (wasCounted)
        {
            AccountConnsChanged(account);
        }

        QueueDisconnectAdvisory(account, message);
    }

    /// <summary>nats-server's ClientInfo of a leaf: what its CONNECT said (a solicited leaf has none), kind Leafnode, no client type.</summary>
    private static EventClientInfo DescribeLeaf(LeafConnection leaf, ConnectOptions? connect, string account, DateTime? stop) => new()
    {
        Start = GoFormat.Time(leaf.Started),
        Host = leaf.RemoteHost,
        Id = leaf.Id,
        Account = account,
        User = NullIfEmpty(connect?.Nkey) ?? NullIfEmpty(connect?.User) ?? NullIfEmpty(connect?.AuthToken),
        Name = NullIfEmpty(connect?.Name),
        Lang = NullIfEmpty(connect?.Lang),
        Version = NullIfEmpty(connect?.Version),
        Stop = stop is null ? null : GoFormat.Time(stop.Value),
        Kind = "Leafnode",
    };
}
