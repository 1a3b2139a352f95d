using System.Text;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// A closed client as /connz?state=closed shows it, kept as the values it had at close. The entry's
/// strings (times, durations, reason, subscriptions) are made only when /connz asks: in a storm of
/// closes, formatting every one at once cost ~3% of the server's CPU for entries nobody read.
/// </summary>
internal sealed class ClosedConnection
{
    private readonly string _ip;
    private readonly int _port;
    private readonly DateTime _start;
    private readonly DateTime _last;
    private readonly DateTime _stop;
    private readonly ClosedReason _reason;
    private readonly TimeSpan _rtt;
    private readonly int _pendingBytes;
    private readonly string? _name;
    private readonly string? _lang;
    private readonly string? _version;
    private readonly string? _tlsVersion;
    private readonly string? _tlsCipherSuite;
    private readonly ClosedSubscription[] _subs;

    public ClosedConnection(ClientConnection client, DateTime stop, ClosedReason reason)
    {
        Cid = client.Id;
        _ip = client.RemoteHost;
        _port = client.RemotePort;
        _start = client.Started;
        _last = client.LastActivity;
        _stop = stop;
        _reason = reason;
        _rtt = client.Rtt;
        _pendingBytes = (int)client.PendingBytes;
        InMsgs = Volatile.Read(ref client.InMsgs);
        OutMsgs = Volatile.Read(ref client.OutMsgs);
        InBytes = Volatile.Read(ref client.InBytes);
        OutBytes = Volatile.Read(ref client.OutBytes);
        var connect = client.ConnectInfo;
        _name = connect?.Name;
        _lang = connect?.Lang;
        _version = connect?.Version;
        _tlsVersion = client.TlsVersion;
        _tlsCipherSuite = client.TlsCipherSuite;
        User = client.LoginUser;
        AccountName = client.AccountName;
        _subs = client.SubscriptionCount == 0 ? [] : [.. client.SubscriptionsSnapshot().Select(s => new ClosedSubscription(s))];
    }

    public ulong Cid { get; }

    /// <summary>The user name it logged in as (/connz <c>user=</c> filters by it).</summary>
    public string User { get; }

    public string AccountName { get; }

    public bool SlowConsumer => _reason is ClosedReason.SlowConsumerPendingBytes or ClosedReason.SlowConsumerWriteDeadline;

    public long InMsgs { get; }
    public long OutMsgs { get; }
    public long InBytes { get; }
    public long OutBytes { get; }

    /// <summary>The /connz entry: what <see cref="ServerMonitor.Describe"/> gives a closed connection.</summary>
    public ConnInfo ToConnInfo()
    {
        var details = new List<SubDetail>(_subs.Length);
        foreach (ClosedSubscription sub in _subs)
        {
            details.Add(new SubDetail
            {
                Account = AccountName, // nats-server keeps the account in the details it saves for closed connections
                Subject = Encoding.UTF8.GetString(sub.Subject),
                Queue = sub.Queue is null ? null : Encoding.UTF8.GetString(sub.Queue),
                Sid = Encoding.UTF8.GetString(sub.Sid),
                Msgs = sub.Msgs,
                Max = sub.Max,
                Cid = Cid,
                AccountName = AccountName,
            });
        }

        return new ConnInfo
        {
            Cid = Cid,
            Ip = _ip,
            Port = _port,
            Start = GoFormat.Time(_start),
            LastActivity = GoFormat.Time(_last),
            Stop = GoFormat.Time(_stop),
            Reason = ClosedReasonText.Of(_reason),
            Rtt = GoFormat.Duration(ServerMonitor.TruncateRtt(_rtt)),
            Uptime = GoFormat.Uptime(_stop - _start),
            Idle = GoFormat.Uptime(_stop - _last),
            PendingBytes = _pendingBytes,
            InMsgs = InMsgs,
            OutMsgs = OutMsgs,
            InBytes = InBytes,
            OutBytes = OutBytes,
            Subscriptions = _subs.Length,
            Name = string.IsNullOrEmpty(_name) ? null : _name,
            Lang = string.IsNullOrEmpty(_lang) ? null : _lang,
            Version = string.IsNullOrEmpty(_version) ? null : _version,
            TlsVersion = _tlsVersion,
            TlsCipherSuite = _tlsCipherSuite,
            PeerCert = null, // nats-server keeps no certificates once closed
            StartTime = _start,
            LastActivityTime = _last,
            StopTime = _stop,
            User = User,
            AuthUser = User, // nats-server keeps only the user name once closed
            AccountName = AccountName,
            Subs = details,
        };
    }

    /// <summary>A subscription as it was at close (its byte arrays are never changed after it is made).</summary>
    private readonly struct ClosedSubscription(Subscription sub)
    {
        public readonly byte[] Subject = sub.Subject;
        public readonly byte[]? Queue = sub.Queue;
        public readonly byte[] Sid = sub.Sid;
        public readonly long Msgs = Interlocked.Read(ref sub.Delivered);
        public readonly long Max = sub.MaxMsgs;
    }
}
