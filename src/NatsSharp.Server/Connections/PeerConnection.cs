using System.Buffers;
using System.Net.Sockets;
using System.Text;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// What routes and leafnode connections share: a route-mode parser, one delivery batch per
/// read, keepalive PINGs (first after about a second), and no client operations.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The ping and auth timers are disposed on the close path (StopTimers in OnClosed), not through IDisposable.")]
internal abstract class PeerConnection : Connection, IRouteProtocolHandler
{
    private static ReadOnlySpan<byte> PingLine => "PING\r\n"u8;
    private static ReadOnlySpan<byte> PongLine => "PONG\r\n"u8;

    private readonly string _kind;
    private Timer? _pingTimer;
    private Timer? _authTimer;
    private int _pingsOut;

    /// <param name="kind">"Route" or "Leafnode", for log lines.</param>
    /// <param name="idLabel">"rid" or "lid", as nats-server prefixes its log lines.</param>
    /// <param name="solicitedUrl">The URL we dialled, or null for a peer that dialled us.</param>
    protected PeerConnection(NatsServer server, ulong id, Socket socket, Stream stream, Uri? solicitedUrl, string kind, string idLabel, bool leafMode)
        : base(KindOf(leafMode, solicitedUrl), id, socket, stream, long.MaxValue, server.Options.WriteDeadline)
    {
        Server = server;
        SolicitedUrl = solicitedUrl;
        Log = server.Log;
        _kind = kind;
        // A peer that dialled us may send nothing but CONNECT, on one bounded line, until it is
        // authenticated; after that its lines and messages are bounded by PeerMessageLimit.
        bool accepted = solicitedUrl is null;
        int limit = PeerMessageLimit(server.Options);
        Parser = new ProtocolParser(accepted ? PreAuthLineLimit(server.Options) : limit, limit)
        {
            RouteMode = true,
            LeafMode = leafMode,
            HeadersAllowed = true,
            RequireConnect = accepted,
            Trace = Log.IsTrace,
        };
        Delivery = new DeliveryBatch(server.Stats, Log) { RunsServiceImports = leafMode, Owner = this };
        Prefix = $"{RemoteHost}:{RemotePort} - {idLabel}:{id} - ";
    }

    public string Prefix { get; }

    /// <summary>As for a client (nats-server logs and counts every kind): over max_pending, the route or leaf is cut.</summary>
    internal override void OnSlowConsumer()
    {
        if (!IsClosing)
        {
            Log.Notice(Prefix + $"Slow Consumer Detected: MaxPending of {MaxPending} Exceeded");
            Server.Stats.AddSlowPeer(leaf: Kind != Subjects.SubscriberKind.Route);
            Close(ClosedReason.SlowConsumerPendingBytes);
        }
    }

    protected override void OnWriteDeadlineExceeded(int pendingBytes)
    {
        Log.Notice(Prefix + $"Slow Consumer Detected: WriteDeadline of {Durations.Format(WriteDeadline)} exceeded with 1 chunks of {pendingBytes} total bytes.");
        Server.Stats.AddSlowPeer(leaf: Kind != Subjects.SubscriberKind.Route);
    }

    /// <summary>A route; a leaf server that dialled us; or the hub we dialled.</summary>
    private static Subjects.SubscriberKind KindOf(bool leafMode, Uri? solicitedUrl) =>
        !leafMode ? Subjects.SubscriberKind.Route : solicitedUrl is null ? Subjects.SubscriberKind.Leaf : Subjects.SubscriberKind.Hub;

    /// <summary>The URL we dialled; null when the peer dialled us.</summary>
    public Uri? SolicitedUrl { get; }

    public bool IsSolicited => SolicitedUrl is not null;

    /// <summary>Whether HMSG may go to this peer (from its INFO or CONNECT).</summary>
    protected bool PeerHeaders { get; set; } = true;

    public override bool TakesHeaders => PeerHeaders;

    /// <summary>The CONNECT exchange is done (received on the accepting side, sent on the dialling one).</summary>
    protected bool ConnectDone { get; private set; }

    /// <summary>Until the peer's CONNECT is accepted (its password check may be bcrypt's).</summary>
    protected override bool ParsesOnWorker => !ConnectDone;

    /// <summary>The peer must complete the CONNECT exchange within <paramref name="timeout"/>.</summary>
    protected void StartAuthTimer(TimeSpan timeout) =>
        _authTimer = new Timer(static s => ((PeerConnection)s!).OnAuthTimeout(), this, timeout, Timeout.InfiniteTimeSpan);

    protected void MarkConnectDone()
    {
        ConnectDone = true;
        _authTimer?.Dispose();
        Parser.RequireConnect = false;
        Parser.MaxControlLine = PeerMessageLimit(Server.Options);
    }

    /// <summary>
    /// The most a peer may make us buffer for one operation (control line or message): 64 MiB,
    /// or max_payload when that is larger. nats-server has no bound at all between servers.
    /// </summary>
    internal static int PeerMessageLimit(ServerOptions options) => Math.Max(64 * 1024 * 1024, options.MaxPayload);

    /// <summary>
    /// The longest CONNECT line a peer may send before it is authenticated: max_control_line, but
    /// never less than 16 KiB, since a leaf's CONNECT carries a user JWT and its signature.
    /// </summary>
    internal static int PreAuthLineLimit(ServerOptions options) => Math.Max(16 * 1024, options.MaxControlLine);

    private void OnAuthTimeout()
    {
        if (!ConnectDone && !IsClosing)
        {
            SendErrAndClose("Authentication Timeout", ClosedReason.AuthenticationTimeout);
        }
    }

    protected NatsServer Server { get; }

    protected ServerLog Log { get; }

    protected ProtocolParser Parser { get; }

    /// <summary>What the peer announced it wants (RS+/LS+).</summary>
    protected RemoteInterest Interest { get; } = new();

    protected DeliveryBatch Delivery { get; }

    internal override ParseStatus ProcessBuffer(ref ReadOnlySequence<byte> buffer)
    {
        long inMsgs = InMsgs;
        long inBytes = InBytes;
        ParseStatus status = Parser.Parse(ref buffer, this);
        Delivery.End(InMsgs - inMsgs, InBytes - inBytes);
        return status;
    }

    protected override void OnParseError()
    {
        switch (Parser.Error)
        {
            case ParseError.AuthorizationRequired:
                // Anything but CONNECT from a peer that has not authenticated: nats-server's authViolation.
                Log.Error(Prefix + "authentication error");
                SendErrAndClose("Authorization Violation", ClosedReason.AuthenticationFailure);
                break;
            case ParseError.UnknownOperation:
                // nats-server's parseErr: the -ERR goes to every kind of connection.
                Log.Error(Prefix + $"{_kind} parser ERROR: Unknown Protocol Operation");
                SendErrAndClose("Unknown Protocol Operation", ClosedReason.ProtocolViolation);
                break;
            case ParseError.MaxControlLineExceeded:
                Log.Error(Prefix + $"{_kind} parser ERROR: maximum control line exceeded");
                SendErrAndClose("maximum control line exceeded", ClosedReason.MaxControlLineExceeded);
                break;
            case ParseError.MaxPayloadExceeded:
                Log.Error(Prefix + $"{_kind} parser ERROR: Maximum Payload Violation ({Parser.ErrorDetail})");
                SendErrAndClose("Maximum Payload Violation", ClosedReason.MaxPayloadExceeded);
                break;
            default:
                Log.Error(Prefix + $"{_kind} parser ERROR: " + (Parser.ErrorDetail.Length > 0 ? Parser.ErrorDetail : Parser.Error.ToString()));
                Close(ClosedReason.ProtocolViolation, flushFirst: true);
                break;
        }
    }

    /// <summary>Keepalive: the first PING about a second in, then every ping_interval; stale after ping_max unanswered.</summary>
    protected void StartPingTimer()
    {
        TimeSpan first = TimeSpan.FromSeconds(1 + (0.2 * Random.Shared.NextDouble()));
        _pingTimer = new Timer(static s => ((PeerConnection)s!).OnPingTimer(), this, first, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops both timers (keepalive and authorization) at close.</summary>
    protected void StopTimers()
    {
        _pingTimer?.Dispose();
        _authTimer?.Dispose();
    }

    private void OnPingTimer()
    {
        if (IsClosing)
        {
            return;
        }

        if (IsSolicited && !ConnectDone)
        {
            // Our CONNECT has not gone out yet (a leaf waits for the hub's INFO): a PING first
            // would be an authorization violation at the hub.
            _pingTimer?.Change(Server.Options.PingInterval, Timeout.InfiniteTimeSpan);
            return;
        }

        if (Interlocked.Increment(ref _pingsOut) > Server.Options.PingMax)
        {
            Log.Debug(Prefix + $"Stale {_kind} Connection - Closing");
            SendErrAndClose("Stale Connection", ClosedReason.StaleConnection);
            return;
        }

        StampPingSent();
        Send(PingLine);
        _pingTimer?.Change(Server.Options.PingInterval, Timeout.InfiniteTimeSpan);
    }

    public bool OnPing()
    {
        if (EnqueueProtocol(PongLine))
        {
            Delivery.Touch(this);
        }

        return true;
    }

    public bool OnPong()
    {
        Volatile.Write(ref _pingsOut, 0);
        MeasureRtt();
        return true;
    }

    public bool OnOk() => true;

    // Client operations have no place between servers.
    /// <summary>
    /// nats-server's parser takes client operations from peers too. A PUB on a route names no
    /// account and goes nowhere; a leafnode overrides this (its PUB goes into its account).
    /// </summary>
    public virtual bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message) => true;

    /// <summary>SUB and UNSUB from a peer: parsed as nats-server does, otherwise ignored.</summary>
    public bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid) => true;

    public bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max) => true;

    public void TraceIn(ReadOnlySpan<byte> line) => Log.Trace(Prefix + "<<- [" + Redaction.TraceableLine(line) + "]");

    /// <summary>Queues raw protocol (INFO, LS+/RS+ …) from any thread and wakes the writer.</summary>
    public void Send(ReadOnlySpan<byte> protocol)
    {
        if (EnqueueProtocol(protocol))
        {
            SignalFlush();
        }
    }

    /// <summary>Queues <c>-ERR 'text'</c>; the connection stays open.</summary>
    protected void SendErr(string text)
    {
        Log.Trace(Prefix + $"->> [-ERR {text}]");
        if (EnqueueProtocol(Encoding.UTF8.GetBytes($"-ERR '{text}'\r\n")))
        {
            SignalFlush();
        }
    }

    internal void SendErrAndClose(string text, ClosedReason reason)
    {
        Log.Trace(Prefix + $"->> [-ERR {text}]");
        EnqueueProtocol(Encoding.UTF8.GetBytes($"-ERR '{text}'\r\n"));
        Close(reason, flushFirst: true);
    }

    /// <summary>
    /// Decodes a peer's CONNECT or INFO; invalid JSON closes the connection (no -ERR, as
    /// nats-server) and returns null.
    /// </summary>
    protected T? ReadJson<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            json = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json)); // Go reads invalid UTF-8 as U+FFFD
        }

        try
        {
            T? value = System.Text.Json.JsonSerializer.Deserialize(json, type);
            if (value is null)
            {
                Close(ClosedReason.ProtocolViolation, flushFirst: true);
            }

            return value;
        }
        catch (System.Text.Json.JsonException ex)
        {
            Log.Error(Prefix + ex.Message);
            Close(ClosedReason.ProtocolViolation, flushFirst: true);
            return null;
        }
    }

    /// <summary>Whether a message that came in here may go on to the peer <paramref name="target"/> (one hop, no echo).</summary>
    protected abstract bool MayForwardTo(Subjects.Subscriber target);

    /// <summary>Whether a queue message this peer sent may go back to it as the group's remote member.</summary>
    protected virtual bool MayTakeBackQueueMessage(Subjects.Subscriber target) => false;

    /// <summary>
    /// Delivers a message that came from this peer: to local clients, to the queue groups the
    /// peer picked us for (a local member first), and on to the routes or leafs allowed by
    /// <see cref="MayForwardTo"/>, one copy each.
    /// </summary>
    protected void DeliverFromPeer(Subjects.SublistResult result, string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        foreach (Subjects.Subscription sub in result.Plain)
        {
            if (!sub.Subscriber.IsServerPeer)
            {
                Delivery.ToSubscriber(sub, subject, reply, headerSize, message);
            }
            else if (MayForwardTo(sub.Subscriber))
            {
                if (sub.Import is null)
                {
                    Delivery.Peers.Add(sub.Subscriber, null);
                }
                else
                {
                    Delivery.ToSubscriber(sub, subject, reply, headerSize, message); // a stream import's shadow for a leaf's subscription
                }
            }
        }

        while (!queues.IsEmpty)
        {
            int space = queues.IndexOfAny((byte)' ', (byte)'\t');
            ReadOnlySpan<byte> queue = space < 0 ? queues : queues[..space];
            queues = space < 0 ? default : queues[(space + 1)..];
            if (!queue.IsEmpty)
            {
                DeliverToGroup(result, queue, subject, reply, headerSize, message);
            }
        }

        if (Delivery.Peers.Count > 0)
        {
            Delivery.ToPeers(account, subject, reply, headerSize, message);
        }

        if (Delivery.HasImportWork)
        {
            Delivery.RunImports(subject, reply, headerSize, message);
        }
    }

    private void DeliverToGroup(Subjects.SublistResult result, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        foreach (Subjects.Subscription[] group in result.Queues)
        {
            if (!group[0].Queue.AsSpan().SequenceEqual(queue))
            {
                continue;
            }

            int n = group.Length;
            int start = n == 1 ? 0 : Random.Shared.Next(n);
            Subjects.Subscription? remote = null;
            for (int i = 0; i < n; i++)
            {
                Subjects.Subscription member = group[(start + i) % n];
                bool local = !member.Subscriber.IsServerPeer;
                if (local || (member.Import is not null && MayForwardTo(member.Subscriber)))
                {
                    if (Delivery.ToSubscriber(member, subject, reply, headerSize, message))
                    {
                        return;
                    }
                }
                else if (remote is null && (MayForwardTo(member.Subscriber) || MayTakeBackQueueMessage(member.Subscriber)))
                {
                    remote = member;
                }
            }

            if (remote is not null)
            {
                Delivery.Peers.Add(remote.Subscriber, remote.Queue); // no local member could take it
            }

            return;
        }
    }

    /// <summary>Runs the connection until it closes.</summary>
    public abstract Task RunAsync();

    public abstract bool OnConnect(ReadOnlySpan<byte> json);

    public abstract bool OnInfo(ReadOnlySpan<byte> json);

    public abstract bool OnErr(ReadOnlySpan<byte> text);

    public abstract bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight);

    public abstract bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue);

    public abstract bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message);
}
