using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// One route to another server of the cluster (NATS 2.x route protocol, proto 2): the
/// handshake, the peer's interest (RS+/RS-) kept as subscriptions in the account's Sublist,
/// and RMSG/HMSG in both directions. Messages from a route are delivered to local clients
/// only: routes forward one hop.
/// </summary>
internal sealed class RouteConnection : PeerConnection
{
    private readonly ClusterManager _cluster;
    private ConnectOptions? _connect;

    public RouteConnection(ClusterManager cluster, NatsServer server, ulong id, Socket socket, Stream stream, Uri? solicitedUrl)
        : base(server, id, socket, stream, solicitedUrl, "Route", "rid", leafMode: false)
    {
        _cluster = cluster;
    }

    /// <summary>The peer's server id, known from its CONNECT or INFO.</summary>
    public string RemoteId { get; private set; } = "";

    public ServerInfo? RemoteInfo { get; private set; }

    /// <summary>A later INFO from the peer itself (e.g. after it reloaded its permissions).</summary>
    public void UpdateRemoteInfo(ServerInfo info) => RemoteInfo = info;

    /// <summary>
    /// Whether the CONNECT of this accepted route matches the (reloaded) route authorization;
    /// a route still before its CONNECT is checked when it arrives.
    /// </summary>
    public bool PresentedValidCredentials() => _connect is not { } c || _cluster.Authenticate(c);

    /// <summary>Reload made the route's credentials invalid: closed as nats-server's authViolation.</summary>
    public void AuthorizationViolation()
    {
        Log.Error(Prefix + "authentication error");
        SendErrAndClose("Authorization Violation", ClosedReason.AuthenticationFailure);
    }

    /// <summary>Reloaded export permissions: forget the peer's interest we may no longer send to.</summary>
    public void DropUnexportableInterest()
    {
        List<Subscription> dropped = Interest.RemoveWhere(sub => !_cluster.MayExport(sub.Subject));
        if (dropped.Count > 0)
        {
            _cluster.RemoveRemoteSubscriptions(dropped);
        }
    }

    public bool Registered { get; set; }

    /// <summary>A duplicate connection to a registered peer, kept open and read from (see <see cref="ClusterManager.Register"/>).</summary>
    public bool Standby { get; set; }

    /// <summary>Why the registration was refused (self or duplicate), so the solicitor knows whether to retry.</summary>
    public string RefusedAs { get; set; } = "";


    public int RemoteSubscriptionCount => Interest.Count;

    /// <summary>The interest this peer sent us, for /routez?subs=1.</summary>
    public List<Subscription> RemoteSubscriptionsSnapshot() => Interest.Snapshot();

    public override async Task RunAsync()
    {
        if (_cluster.Tls is { } tls && !await HandshakeAsync(tls).ConfigureAwait(false))
        {
            return;
        }

        Task writer = RunWriteLoopAsync();
        Log.Debug(Prefix + "Route connection created");
        if (IsSolicited)
        {
            EnqueueProtocol(_cluster.BuildConnect(SolicitedUrl!));
            MarkConnectDone();
        }
        else
        {
            // With or without cluster authorization, a peer that dialled us must send CONNECT
            // first and in time (nats-server times it out only when authorization is set).
            StartAuthTimer(_cluster.Options.AuthTimeout);
        }

        EnqueueProtocol(_cluster.BuildRouteInfoLine());
        SignalFlush();
        StartPingTimer();

        await RunReadLoopAsync().ConfigureAwait(false);
        await writer.ConfigureAwait(false);
    }

    /// <summary>Route TLS comes before any protocol byte; a failed handshake closes the connection.</summary>
    private async Task<bool> HandshakeAsync(RouteTls tls)
    {
        using var timeout = new CancellationTokenSource(tls.Timeout);
        try
        {
            Stream secured = IsSolicited
                ? await tls.ConnectAsync(Stream!, SolicitedUrl!.Host, timeout.Token).ConfigureAwait(false)
                : await tls.AcceptAsync(Stream!, timeout.Token).ConfigureAwait(false);
            ReplaceStream(secured);
            return true;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.Error(Prefix + $"TLS route handshake error: {(ex is OperationCanceledException ? "timeout" : ex.Message)}");
            Close(ClosedReason.TlsHandshakeError);
            return false;
        }
    }

    public override bool OnConnect(ReadOnlySpan<byte> json)
    {
        ConnectOptions? connect = ReadJson(json, ProtocolJson.Default.ConnectOptions);
        if (connect is null)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(connect.Lang))
        {
            SendErrAndClose("attempted to connect to route port", ClosedReason.IncorrectPort);
            return false;
        }

        if (!string.IsNullOrEmpty(connect.Gateway))
        {
            SendErrAndClose($"Rejecting connection from gateway \"{connect.Gateway}\" on the Route port", ClosedReason.IncorrectPort);
            return false;
        }

        _connect = connect; // kept so a reload can re-check the credentials
        if (_cluster.AuthRequired && !_cluster.Authenticate(connect))
        {
            Log.Error(Prefix + "authentication error");
            SendErrAndClose("Authorization Violation", ClosedReason.AuthenticationFailure);
            return false;
        }

        // A CONNECT without a cluster name does not match a configured one (an INFO without one does).
        string? conflict = string.IsNullOrEmpty(connect.Cluster) && !_cluster.Dynamic
            ? $"Rejecting connection, cluster name \"\" does not match \"{_cluster.Name}\""
            : _cluster.CheckClusterName(connect.Cluster ?? "", connect.ClusterDynamic);
        if (conflict is not null)
        {
            Log.Error(Prefix + conflict);
            SendErrAndClose(conflict, ClosedReason.ClusterNameConflict);
            return false;
        }

        MarkConnectDone();
        if (RemoteId.Length == 0 && !string.IsNullOrEmpty(connect.Name))
        {
            RemoteId = connect.Name; // the route CONNECT carries the server id
        }

        return true;
    }

    public override bool OnInfo(ReadOnlySpan<byte> json)
    {
        ServerInfo? info = ReadJson(json, ProtocolJson.Default.ServerInfo);
        if (info is null)
        {
            return false;
        }

        if (!Registered && !Standby)
        {
            RemoteInfo = info;
            RemoteId = info.ServerId;
            PeerHeaders = info.Headers;
            return _cluster.Register(this, info);
        }

        if (info.ServerId != RemoteId)
        {
            _cluster.OnGossip(info); // a record about a third server
        }
        else
        {
            _cluster.OnPeerUpdate(this, info);
        }

        return true;
    }

    public override bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight)
    {
        if (IsClosing)
        {
            return true; // the rest of a read after a close (CloseAndReadOn): interest is not taken
        }

        Account? acc = _cluster.AccountOf(account);
        if (acc is null)
        {
            Log.Debug(Prefix + $"Unknown account \"{Encoding.UTF8.GetString(account)}\" for remote subject \"{Encoding.UTF8.GetString(subject)}\"");
            return true;
        }

        if (!_cluster.MayExport(subject))
        {
            Log.Debug(Prefix + $"Can not export \"{Encoding.UTF8.GetString(subject)}\", ignoring remote subscription request");
            return true;
        }

        if (!SubjectRules.IsValidSubscribeSubject(subject))
        {
            // nats-server's sublist refuses it: the peer is told, the route stays.
            Log.Error(Prefix + $"Could not insert subscription: invalid subject \"{Encoding.UTF8.GetString(subject)}\"");
            SendErr("Invalid Subscription");
            return true;
        }

        string key = RemoteKey(account, subject, queue);
        if (Interest.Contains(key))
        {
            return true; // a queue weight update
        }

        var sub = new Subscription(this, subject.ToArray(), queue.IsEmpty ? null : queue.ToArray(), Encoding.UTF8.GetBytes(key)) { AccountName = acc.Name };
        Interest.Add(key, sub);

        acc.Sublist.Insert(sub);
        Server.OnRemoteInterest(sub, +1); // leafs we are the hub of hear of the cluster's interest in their account
        return true;
    }

    public override bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue)
    {
        if (IsClosing)
        {
            return true;
        }

        Account? acc = _cluster.AccountOf(account);
        if (acc is null)
        {
            return true;
        }

        if (Interest.Remove(RemoteKey(account, subject, queue)) is not { } sub)
        {
            return true;
        }

        acc.Sublist.Remove(sub);
        Server.OnRemoteInterest(sub, -1);
        return true;
    }

    private static string RemoteKey(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue) =>
        queue.IsEmpty
            ? $"{Encoding.UTF8.GetString(account)} {Encoding.UTF8.GetString(subject)}"
            : $"{Encoding.UTF8.GetString(account)} {Encoding.UTF8.GetString(subject)} {Encoding.UTF8.GetString(queue)}";

    /// <summary>A message from the peer: to local clients only, and to the queue groups it picked us for.</summary>
    public override bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        InMsgs++;
        InBytes += message.Length;
        Account? acc = _cluster.AccountOf(account);
        if (acc is null)
        {
            return true; // e.g. $SYS traffic from a nats-server peer
        }

        DeliverFromPeer(Delivery.Match(acc.Sublist, subject), acc.Name, subject, reply, queues, headerSize, message);
        return true;
    }

    /// <summary>One RMSG (or HMSG) naming the account. Unfiltered: a publisher's read loop stages it instead (DeliveryBatch.ToPeers).</summary>
    public override bool Forward(string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message) =>
        EnqueueRoutedMessage(account, subject, reply, queues, headerSize, message);

    /// <summary>One hop: from a route only to local clients and the leafs we are the hub of.</summary>
    protected override bool MayForwardTo(Subscriber target) => target.Kind == SubscriberKind.Leaf;

    public override bool OnErr(ReadOnlySpan<byte> text)
    {
        Log.Error(Prefix + $"Router Error {Encoding.UTF8.GetString(text)}");
        CloseAndReadOn(ClosedReason.ParseError);
        return true;
    }

    /// <summary>
    /// nats-server closes the route but goes on with the rest of its read: RMSGs in it are still
    /// delivered, interest is ignored, nothing more is written.
    /// </summary>
    internal void CloseAndReadOn(ClosedReason reason)
    {
        // The close waits for the end of this read: what it delivers goes out before the peer (or an
        // observer it then asks) can see the close (fuzz seed 802398 saw the close first under load).
        CloseAfterRead(reason);
        SealOutbound();
    }

    /// <summary>Drops the peer's interest, for a route that is closing or being replaced.</summary>
    private void RemoveRemoteSubscriptions()
    {
        List<Subscription> all = Interest.Clear();

        if (all.Count > 0)
        {
            _cluster.RemoveRemoteSubscriptions(all);
        }
    }

    protected override void OnClosing() => RemoveRemoteSubscriptions();

    protected override void OnClosed(ClosedReason reason)
    {
        StopTimers();
        _cluster.Unregister(this);
        Log.Notice(Prefix + "Router connection closed: " + ClosedReasonText.Of(reason));
    }
}
