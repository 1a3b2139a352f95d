using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// A leafnode connection (protocol of nats-server 2.9.10): either a leaf server that dialled
/// our listener (we are its hub) or a hub we dialled (we are its leaf). It is bound to one local
/// account — the remote's <c>account</c> when we dial, the leaf user's account once its CONNECT
/// is accepted — whose interest travels as LS+/LS- and whose messages travel as LMSG/HMSG; a
/// message never goes back to the connection it came from.
/// </summary>
internal sealed class LeafConnection : PeerConnection
{
    private readonly LeafNodeManager _manager;
    private readonly Dictionary<(string Subject, string Queue), int> _announced = [];
    private Account? _account;
    private byte[] _mappedSubject = [];
    private Account? _countedIn; // the account whose max_leafnodes counts this connection
    private ConnectOptions? _hubSideConnect; // the CONNECT a hub accepted, for the system account's events
    private bool _hubGotInfo; // the first INFO from a leaf decides its headers again, as in nats-server

    /// <param name="account">The local account of the remote we dialled; null when the leaf dialled us (bound at CONNECT).</param>
    /// <param name="remote">The remote we dialled (null when we are the hub).</param>
    public LeafConnection(LeafNodeManager manager, NatsServer server, ulong id, Socket socket, Stream stream, Uri? solicitedUrl, Account? account, LeafRemote? remote = null)
        : base(server, id, socket, stream, solicitedUrl, "Leafnode", "lid", leafMode: true)
    {
        _manager = manager;
        _account = account;
        Remote = remote;
        Permissions = SpokePermissions(remote, import: null, export: null);
        Nonce = solicitedUrl is null ? LeafNodeManager.RandomToken() : null;
    }

    /// <summary>The local account this connection is bound to (null until an accepted leaf's CONNECT is authorized).</summary>
    public Account? Account => Volatile.Read(ref _account);

    /// <summary>The nonce of our first INFO (hub side), for an nkey leaf's signature.</summary>
    public string? Nonce { get; }

    /// <summary>The remote we dialled (null when we are the hub).</summary>
    public LeafRemote? Remote { get; }

    /// <summary>
    /// What may cross this connection, or null for anything: a remote's <c>deny_exports</c> (Publish:
    /// what we send) and <c>deny_imports</c> (Subscribe: what we take), or, on the hub, the
    /// permissions of the client user the leaf logged in as, seen from our side.
    /// </summary>
    public Auth.CompiledPermissions? Permissions { get; private set; }

    /// <summary>
    /// A leaf's own limits: what the hub said its user may receive (<c>import</c>) and send
    /// (<c>export</c>), narrowed by the remote's <c>deny_imports</c>/<c>deny_exports</c>. Null when there are none.
    /// </summary>
    private static Auth.CompiledPermissions? SpokePermissions(LeafRemote? remote, Protocol.SubjectPermission? import, Protocol.SubjectPermission? export)
    {
        static Protocol.SubjectPermission? Merge(Protocol.SubjectPermission? given, IReadOnlyList<string> deny) =>
            deny.Count == 0 ? given : new Protocol.SubjectPermission { Allow = given?.Allow, Deny = [.. given?.Deny ?? [], .. deny] };

        Protocol.SubjectPermission? publish = Merge(export, remote?.DenyExports ?? []);
        Protocol.SubjectPermission? subscribe = Merge(import, remote?.DenyImports ?? []);
        return publish is null && subscribe is null ? null : new Auth.CompiledPermissions(new Auth.Permissions { Publish = publish, Subscribe = subscribe });
    }

    /// <summary>Loop detection and gateway reply subjects are never subject to permissions (as nats-server).</summary>
    private static bool IsExemptFromPermissions(ReadOnlySpan<byte> subject) =>
        subject.StartsWith("$LDS."u8) || subject.StartsWith("_GR_."u8) || subject.StartsWith("$GR."u8);

    /// <summary>Whether a message on <paramref name="subject"/> may be sent to this peer (<c>deny_exports</c>).</summary>
    public bool MaySend(ReadOnlySpan<byte> subject) => Permissions is null || Permissions.CanPublish(subject);

    /// <summary>We dialled and upgraded to TLS (our CONNECT says tls_required).</summary>
    public bool DialledWithTls { get; init; }

    /// <summary>True when a leaf server dialled us: we are its hub.</summary>
    public bool WeAreHub => !IsSolicited;

    public bool Registered { get; private set; }

    public string RemoteName { get; private set; } = "";

    /// <summary>Set when the peer reported a loop or a cluster-name clash: wait 30 s before redialling.</summary>
    public bool DelayReconnect { get; private set; }


    /// <summary>The interest this peer announced (for /leafz).</summary>
    public List<string> RemoteSubjects() => Interest.Keys();

    public override async Task RunAsync()
    {
        Log.Notice(Prefix + "Leafnode connection created" + (WeAreHub ? "" : $" for account: {_account!.Name}"));
        byte[]? info = WeAreHub ? _manager.BuildInfoLine(this, connectInfo: false) : null;
        if (info is not null && _manager.HubTls is { } tls)
        {
            // The leaf dialled our TLS listener: INFO in plaintext then TLS (or TLS first), before the loops start.
            Stream? secured = await tls.AcceptAsync(Stream!, info, Log, Prefix).ConfigureAwait(false);
            if (secured is null)
            {
                Close(ClosedReason.TlsHandshakeError);
                return;
            }

            ReplaceStream(secured);
            info = tls.HandshakeFirst ? info : null;
        }

        Task writer = RunWriteLoopAsync();
        if (WeAreHub)
        {
            if (info is not null)
            {
                EnqueueProtocol(info);
            }

            SignalFlush();
            StartAuthTimer(_manager.Options.AuthTimeout);
        }

        StartPingTimer();
        await RunReadLoopAsync().ConfigureAwait(false);
        await writer.ConfigureAwait(false);
    }

    /// <summary>Hub side: the leaf's CONNECT (credentials, wrong-port and cluster-name checks), then our answer INFO.</summary>
    public override bool OnConnect(ReadOnlySpan<byte> json)
    {
        if (!WeAreHub)
        {
            return true;
        }

        ConnectOptions? connect = ReadJson(json, ProtocolJson.Default.ConnectOptions);
        if (connect is null)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(connect.Lang))
        {
            SendErrAndClose("attempted to connect to leaf node port", ClosedReason.IncorrectPort);
            return false;
        }

        if (_manager.BindAccount(connect, Nonce) is not ({ } account, var userPermissions))
        {
            Log.Error(Prefix + Server.CurrentAuthenticator.DescribeFailure(connect));
            SendErrAndClose("Authorization Violation", ClosedReason.AuthenticationFailure);
            return false;
        }

        if (!string.IsNullOrEmpty(connect.Cluster) && connect.Cluster == Server.ClusterName)
        {
            SendErrAndClose("remote leafnode has same cluster name", ClosedReason.ClusterNameConflict);
            return false;
        }

        _hubSideConnect = connect;
        if (!CountInAccount(account))
        {
            return false;
        }

        MarkConnectDone();
        if (userPermissions is { Source: var p })
        {
            // The user may publish what it sends us and subscribe to what we send it: from this
            // connection's side the two swap (as nats-server swaps them for a hub's leaf).
            Permissions = new Auth.CompiledPermissions(new Auth.Permissions { Publish = p.Subscribe, Subscribe = p.Publish });
        }

        Volatile.Write(ref _account, account);
        SetHeaders(connect.Headers);
        RemoteName = connect.Name ?? "";
        EnqueueProtocol(_manager.BuildInfoLine(this, connectInfo: true));
        Register();
        return true;
    }

    /// <summary>As nats-server's c.headers on a hub's leaf: whether HMSG goes to it and HPUB is taken from it.</summary>
    private void SetHeaders(bool headers)
    {
        PeerHeaders = headers;
        Parser.HeadersAllowed = headers;
    }

    /// <summary>Leaf side: the hub's INFO (answer with CONNECT), then its connect_info INFO (register).</summary>
    public override bool OnInfo(ReadOnlySpan<byte> json)
    {
        ServerInfo? info = ReadJson(json, ProtocolJson.Default.ServerInfo);
        if (info is null)
        {
            return false; // not JSON, or not an INFO: nats-server closes either side
        }

        if (WeAreHub)
        {
            if (!_hubGotInfo)
            {
                _hubGotInfo = true;
                SetHeaders(info.Headers); // an INFO without headers: an HPUB after it is refused (fuzz seed default:Leaf:715720)
            }

            return true;
        }

        if (info.ClientId != 0 && info.LeafNodeUrls is { Length: > 0 } urls)
        {
            _manager.OnHubUrls(this, urls); // first and async INFO alike: the hub cluster's current list
        }

        if (info.ConnectInfo && (info.Import is not null || info.Export is not null))
        {
            Permissions = SpokePermissions(Remote, info.Import, info.Export); // before Register announces our interest
        }

        if (Registered)
        {
            return true;
        }

        if (!ConnectDone)
        {
            if (info.ClientId == 0 || info.LeafNodeUrls is null)
            {
                Log.Error(Prefix + "attempted to connect to wrong port");
                Close(ClosedReason.IncorrectPort);
                return false;
            }

            MarkConnectDone(); // our CONNECT is sent
            PeerHeaders = info.Headers;
            RemoteName = info.ServerName;
            if (_manager.BuildConnect(this, info.Nonce, info.Compression is { Length: > 0 } and not CompressionOptions.Off and not CompressionOptions.NotSupported) is not { } connect)
            {
                Close(ClosedReason.WriteError);
                return false;
            }

            EnqueueProtocol(connect);
            if (info.InfoOnConnect)
            {
                Delivery.Touch(this);
                return true; // wait for the INFO that answers our CONNECT
            }
        }

        Register();
        return true;
    }

    /// <summary>The account's <c>max_leafnodes</c>, checked as nats-server registers a leaf with its account (both sides).</summary>
    private bool CountInAccount(Account account)
    {
        if (!account.TryAddLeaf())
        {
            Log.Error(Prefix + "maximum account active connections exceeded");
            SendErrAndClose("maximum account active connections exceeded", ClosedReason.MaxAccountConnectionsExceeded);
            return false;
        }

        _countedIn = account;
        return true;
    }

    private void Register()
    {
        if (!WeAreHub && _countedIn is null && !CountInAccount(_account!))
        {
            return;
        }

        Registered = true;
        Log.Debug(Prefix + $"Leafnode connection registered for account {_account!.Name}{(RemoteName.Length > 0 ? $" with server \"{RemoteName}\"" : "")}");
        _manager.Register(this);
        Server.SystemEvents?.LeafRegistered(this, _account.Name, _hubSideConnect); // counted in leafnodes from here
        Delivery.Touch(this);
    }

    public override bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight)
    {
        if (Account is not { } bound)
        {
            return true; // nothing before the CONNECT binds an account
        }

        if (subject.SequenceEqual(_manager.LoopDetectionSubject(bound)))
        {
            string text = $"Loop detected for leafnode account=\"{bound.Name}\". Delaying attempt to reconnect for 30s";
            Log.Error(Prefix + text);
            DelayReconnect = true;
            SendErrAndClose(text, ClosedReason.ProtocolViolation);
            return false;
        }

        if (IsDeniedJetStream(subject))
        {
            return true; // nats-server's JetStream deny: the interest is not taken
        }

        if (SubjectRules.IsLiteral(subject) && !IsExemptFromPermissions(subject) && !MaySend(subject))
        {
            string text = $"Permissions Violation for Subscription to \"{Encoding.UTF8.GetString(subject)}\"";
            if (!WeAreHub)
            {
                Log.Debug(Prefix + text); // deny_exports or the hub's export limit: just never send it
                return true;
            }

            // Our leaf's user may not receive this: as nats-server, tell it and cut it off.
            Log.Error(Prefix + $"Subscription Violation on \"{Encoding.UTF8.GetString(subject)}\" - Check other side configuration");
            SendErrAndClose(text, ClosedReason.ProtocolViolation);
            return false;
        }

        if (!SubjectRules.IsValidSubscribeSubject(subject))
        {
            // nats-server's sublist refuses it: the leaf is told, the connection stays.
            Log.Error(Prefix + $"Could not insert subscription: invalid subject \"{Encoding.UTF8.GetString(subject)}\"");
            SendErr("Invalid Subscription");
            return true;
        }

        string key = InterestKey(subject, queue);
        if (Interest.Contains(key))
        {
            return true; // a queue weight update
        }

        var sub = new Subscription(this, subject.ToArray(), queue.IsEmpty ? null : queue.ToArray(), Encoding.UTF8.GetBytes(key)) { AccountName = bound.Name };
        Interest.Add(key, sub);

        bound.Sublist.Insert(sub);
        Server.OnSubscriptionChanged(sub, +1);
        return true;
    }

    public override bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue)
    {
        if (Account is not { } bound)
        {
            return true;
        }

        if (Interest.Remove(InterestKey(subject, queue)) is not { } sub)
        {
            return true;
        }

        bound.Sublist.Remove(sub);
        Server.OnSubscriptionChanged(sub, -1);
        return true;
    }

    private static string InterestKey(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue) =>
        queue.IsEmpty ? Encoding.UTF8.GetString(subject) : $"{Encoding.UTF8.GetString(subject)} {Encoding.UTF8.GetString(queue)}";

    /// <summary>
    /// A message from this leaf connection, into its bound account: to local clients, to routes
    /// when we are its hub, to other leaf connections we are the hub of, never back here.
    /// </summary>
    /// <summary>A PUB from a leaf: nats-server delivers it into the leaf's account like an LMSG.</summary>
    public override bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message) =>
        OnRoutedMessage(default, subject, reply, default, headerSize, message);

    public override bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        InMsgs++;
        InBytes += message.Length;
        if (_account is { } bound && (Permissions is null || Permissions.CanSubscribe(subject, default))) // deny_imports
        {
            // Mappings apply to what a leaf publishes into the account, as to a client's (nats-server's parser does both).
            if (bound.Mapper is { } mapper && mapper.Map(subject, Server.ClusterName, ref _mappedSubject) is int mapped and >= 0)
            {
                if (mapped == 0)
                {
                    return true; // the weights picked no destination
                }

                subject = _mappedSubject.AsSpan(0, mapped);
            }

            DeliverFromPeer(bound.Sublist.Match(subject), bound.Name, subject, reply, queues, headerSize, message);
        }

        return true;
    }

    /// <summary>One LMSG (or HMSG), naming no account: the connection is bound to one. Nothing <c>deny_exports</c> covers.</summary>
    public override bool Forward(string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message) =>
        MaySend(subject) && EnqueueRoutedMessage(null, subject, reply, queues, headerSize, message);

    /// <summary>One hop and no echo: routes only for a leaf we are the hub of; never back to this leaf or up to another hub.</summary>
    protected override bool MayForwardTo(Subscriber target) => target.Kind switch
    {
        SubscriberKind.Route => WeAreHub,
        SubscriberKind.Leaf => !ReferenceEquals(target, this),
        SubscriberKind.Hub => !ReferenceEquals(target, this) && WeAreHub,
        _ => false,
    };

    /// <summary>
    /// nats-server picks a queue group's leaf member for a leaf's LMSG without the no-echo check of
    /// plain subscriptions: the sending leaf itself may get it back when no local member takes it.
    /// </summary>
    protected override bool MayTakeBackQueueMessage(Subscriber target) => ReferenceEquals(target, this);

    /// <summary>Announces interest to the peer: plain subjects on 0↔1, queue groups on every weight change.</summary>
    public void ChangeInterest(Subscription sub, int delta)
    {
        string subject = Encoding.UTF8.GetString(sub.Subject);
        string queue = sub.Queue is null ? "" : Encoding.UTF8.GetString(sub.Queue);
        lock (_announced)
        {
            _announced.TryGetValue((subject, queue), out int count);
            int next = Math.Max(0, count + delta);
            if (next == 0)
            {
                _announced.Remove((subject, queue));
            }
            else
            {
                _announced[(subject, queue)] = next;
            }

            string? line = (count, next, queue.Length) switch
            {
                (0, > 0, 0) => $"LS+ {subject}\r\n",
                (> 0, 0, 0) => $"LS- {subject}\r\n",
                (_, > 0, > 0) when next != count => $"LS+ {subject} {queue} {next}\r\n",
                (> 0, 0, > 0) => $"LS- {subject} {queue}\r\n",
                _ => null,
            };
            if (line is not null)
            {
                Send(Encoding.UTF8.GetBytes(line));
            }
        }
    }

    /// <summary>Which subscriptions this peer hears about: a leaf gets everything but its own; a hub only our local interest.</summary>
    public bool WantsInterestFrom(Subscription sub) =>
        !ReferenceEquals(sub.Subscriber, this)
        && (WeAreHub || sub.Subscriber.Kind is SubscriberKind.Client or SubscriberKind.Internal or SubscriberKind.Leaf)
        && (Permissions is null || Permissions.CanSubscribe(sub.Subject, default)) // deny_imports: no interest, so nothing sent here
        && !IsDeniedJetStream(sub.Subject);

    /// <summary>
    /// nats-server denies JetStream's API, KV and object store subjects both ways on every leafnode of a
    /// non-system account; another domain is reached as <c>$JS.&lt;domain&gt;.API</c> instead.
    /// </summary>
    private bool IsDeniedJetStream(ReadOnlySpan<byte> subject) =>
        Account is { } bound && bound.Name != Server.SystemAccountName
        && (SubjectRules.Matches(subject, "$JS.API.>"u8) || SubjectRules.Matches(subject, "$KV.>"u8) || SubjectRules.Matches(subject, "$OBJ.>"u8));

    /// <summary>An -ERR from the peer is logged; a loop or cluster-name clash delays the next dial.</summary>
    public override bool OnErr(ReadOnlySpan<byte> text)
    {
        string message = Encoding.UTF8.GetString(text);
        Log.Error(Prefix + $"Leafnode Error {message}");
        if (message.Contains("Loop detected", StringComparison.Ordinal) || message.Contains("same cluster name", StringComparison.Ordinal))
        {
            DelayReconnect = true;
        }

        return true;
    }

    protected override void OnClosing()
    {
        List<Subscription> all = Interest.Clear();
        if (all.Count > 0)
        {
            _account!.Sublist.RemoveBatch(all);
            foreach (Subscription sub in all)
            {
                Server.OnSubscriptionChanged(sub, -1);
            }
        }
    }

    protected override void OnClosed(ClosedReason reason)
    {
        StopTimers();
        _manager.Unregister(this);
        Account? counted = Interlocked.Exchange(ref _countedIn, null);
        counted?.RemoveLeaf();
        if (Account is { } bound)
        {
            Server.SystemEvents?.LeafClosed(this, bound.Name, _hubSideConnect, counted is not null, reason);
        }

        Log.Notice(Prefix + "Leafnode connection closed: " + ClosedReasonText.Of(reason) + " account: " + (Account?.Name ?? ""));
    }
}
