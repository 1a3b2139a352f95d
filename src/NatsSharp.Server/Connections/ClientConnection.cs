using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A client connection: reads and parses the client protocol, routes publications to
/// subscribers (this file), and keeps subscriptions, keepalive and auth state
/// (ClientConnection.Subscriptions.cs, ClientConnection.Liveness.cs).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The ping and auth timers are disposed on the close path (OnClosed), not through IDisposable.")]
internal sealed partial class ClientConnection : Connection, IProtocolHandler, IThreadPoolWorkItem
{
    private static ReadOnlySpan<byte> OkLine => "+OK\r\n"u8;
    private static ReadOnlySpan<byte> PingLine => "PING\r\n"u8;
    private static ReadOnlySpan<byte> PongLine => "PONG\r\n"u8;
    private static ReadOnlySpan<byte> NoRespondersMessage => "NATS/1.0 503\r\n\r\n"u8;

    private readonly NatsServer _server;
    private readonly ServerLog _log;
    private readonly ProtocolParser _parser;
    private Account _account;

    // Connections this read batch queued data for; each is signalled once at the end. Made on the first
    // publish: a client that has only sent CONNECT and PING (a connection storm) needs none of it.
    private DeliveryBatch? _delivery;

    // This read queued a reply of our own (PONG, +OK, -ERR) while there was no batch yet.
    private bool _selfTouched;

    protected override DeliveryBatch? PublishBatch => _delivery;

    private DeliveryBatch Delivery => _delivery ??= new DeliveryBatch(_server.Stats, _log) { RequestInfo = RequestInfoJson, Owner = this };

    // CONNECT state (pre-CONNECT defaults are verbose, pedantic and echo).
    private bool _verbose = true;
    private bool _pedantic = true;
    private bool _echo = true;
    private bool _headers;
    private bool _noResponders;
    private bool _connectReceived;
    // The log lines' prefix: built when a line is logged (most connections log none), from the CONNECT that
    // last named the client (name, lang or version), if any.
    private string? _prefix;
    private ConnectOptions? _prefixConnect;

    private string Prefix => _prefix ??= _prefixConnect is { } named
        ? $"{RemoteHost}:{RemotePort} - cid:{Id} - \"v{named.Version}:{named.Lang}:{named.Name}\" - "
        : $"{RemoteHost}:{RemotePort} - {(IsWebSocket ? "wid" : "cid")}:{Id} - ";

    /// <summary>Until CONNECT is accepted, where it is checked (a password may be bcrypt's); without auth it is cheap.</summary>
    protected override bool ParsesOnWorker => !_connectReceived && Auth.Required;

    /// <param name="webSocket">Came in on the websocket port: <paramref name="stream"/> carries websocket frames (TLS, if any, is under it).</param>
    public ClientConnection(NatsServer server, ulong id, Socket socket, Stream stream, bool webSocket = false)
        : base(SubscriberKind.Client, id, socket, stream, server.Options.MaxPending, server.Options.WriteDeadline)
    {
        _server = server;
        IsWebSocket = webSocket;
        _log = server.Log;
        _account = server.GlobalAccount;
        var options = server.Options;
        _parser = new ProtocolParser(options.MaxControlLine, options.MaxPayload)
        {
            RequireConnect = (webSocket ? server.WebSocketAuthenticator : server.CurrentAuthenticator).Required,
            Trace = _log.IsTrace,
        };
        _connectUrlsVersionAtStart = server.ClientInfo.ConnectUrlsVersion;
        BindNoAuthUserUntilConnect();
        ApplyAccountLimits(options, log: false);
    }

    public bool IsWebSocket { get; }

    /// <summary>Who decides this client's identity: websocket clients may have their own settings.</summary>
    internal Authenticator Auth => IsWebSocket ? _server.WebSocketAuthenticator : _server.CurrentAuthenticator;

    /// <summary>What <c>allowed_connection_types</c> calls this connection.</summary>
    private string ConnectionType => IsWebSocket ? ConnectionTypes.WebSocket : ConnectionTypes.Standard;

    /// <summary>The connection's CONNECT fields, for monitoring.</summary>
    public ConnectOptions? ConnectInfo { get; private set; }

    public override bool TakesHeaders => _headers;

    /// <summary>A message was queued for this client: allow_responses learns the reply; -V traces the MSG.</summary>
    internal override void OnDelivered(Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, int size)
    {
        if (!reply.IsEmpty)
        {
            GrantReply(reply);
        }

        if (_log.IsTrace)
        {
            TraceOut(subject, sub.Sid, reply, headerSize, size);
        }
    }

    /// <summary>Called once <see cref="RunAsync"/> has ended (the registry counts the clients still running).</summary>
    internal Action? OnRunEnded { get; set; }

    /// <summary>Queued by the registry: the connection is its own thread-pool work item.</summary>
    void IThreadPoolWorkItem.Execute() => _ = RunAsync();

    /// <summary>Runs the connection until it closes: INFO, then the read loop beside the write loop.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (_log.IsDebug)
            {
                _log.Debug(Prefix + "Client connection created"); // not built per connection when not logged
            }

            // A websocket's TLS ran before the HTTP upgrade; a client refused before the handshake (max
            // connections) gets INFO and -ERR in plaintext, as in nats-server.
            bool offerTls = !IsWebSocket && !IsClosing && _server.ClientTlsOn;
            if (offerTls && !await UpgradeToTlsAsync(_server.Tls).ConfigureAwait(false))
            {
                return;
            }

            if (!offerTls)
            {
                SendDirectly(); // a plain socket's small writes (PONG, +OK, replies) first try one send, no asynchronous write
            }

            Task writer = RunWriteLoopAsync();
            if (!offerTls)
            {
                SendInfo(); // with TLS offered it went out in plaintext before the handshake
            }

            StartTimers();
            if (IsClosing || PendingBytes > 0)
            {
                SignalFlush(); // an INFO the socket did not take at once, a refusal's -ERR
            }

            await RunReadLoopAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        finally
        {
            OnRunEnded?.Invoke();
        }
    }

    /// <summary>
    /// Handles every complete command in one read (the message hot path), then wakes each
    /// connection it queued data for. What is left in <paramref name="buffer"/> is partial.
    /// </summary>
    internal override ParseStatus ProcessBuffer(ref ReadOnlySequence<byte> buffer)
    {
        long inMsgs = InMsgs;
        long inBytes = InBytes;
        long unparsed = _awaitingFirstOp ? buffer.Length : 0;
        ParseStatus status = _parser.Parse(ref buffer, new ClientProtocolHandler(this)); // by value: calls bound at compile time
        if (_awaitingFirstOp && buffer.Length < unparsed)
        {
            OnFirstOpWithoutConnect();
        }

        EndBatch(InMsgs - inMsgs, InBytes - inBytes);
        return status;
    }

    private void EndBatch(long inMsgs, long inBytes)
    {
        if (_selfTouched)
        {
            _selfTouched = false;
            if (_delivery is null && Backlog is null)
            {
                FlushAfterRead(); // what the batch would have done with only us in it
            }
            else
            {
                Delivery.Touch(this);
            }
        }

        if (_delivery is { } batch)
        {
            batch.End(inMsgs, inBytes);
        }
        else if (inMsgs != 0)
        {
            _server.Stats.AddIn(inMsgs, inBytes); // publishes refused before they reached the batch
        }
    }

    private void Touch(Connection c)
    {
        if (_delivery is null && ReferenceEquals(c, this))
        {
            _selfTouched = true;
            return;
        }

        Delivery.Touch(c);
    }

    protected override void OnParseError()
    {
        switch (_parser.Error)
        {
            case ParseError.UnknownOperation:
                _log.Error(Prefix + "Client parser ERROR: Unknown Protocol Operation");
                SendErrAndClose("Unknown Protocol Operation", ClosedReason.ProtocolViolation);
                break;
            case ParseError.MaxControlLineExceeded:
                _log.Error(Prefix + "maximum control line exceeded");
                SendErrAndClose("maximum control line exceeded", ClosedReason.MaxControlLineExceeded);
                break;
            case ParseError.MaxPayloadExceeded:
                _log.Error(Prefix + "Maximum Payload Violation");
                SendErrAndClose("Maximum Payload Violation", ClosedReason.MaxPayloadExceeded);
                break;
            case ParseError.AuthorizationRequired:
                _log.Error(Prefix + "Authorization Error - Authorization Violation");
                SendErrAndClose("Authorization Violation", ClosedReason.AuthenticationFailure);
                break;
            default:
                // Bad argument counts or sizes, HPUB without headers: nats-server closes without -ERR.
                _log.Error(Prefix + _parser.ErrorDetail);
                // As nats-server: what was already answered (+OK, PONG) is written before the close.
                Close(ClosedReason.ProtocolViolation, flushFirst: true);
                break;
        }
    }

    public bool OnConnect(ReadOnlySpan<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            // Go's decoder reads invalid UTF-8 as U+FFFD; System.Text.Json would throw.
            json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json));
        }

        ConnectOptions? connect;
        try
        {
            connect = ConnectInfo is not null || json.IndexOf("null"u8) >= 0
                ? Reconnect(ConnectInfo, json)
                : JsonSerializer.Deserialize(json, ProtocolJson.Default.ConnectOptions);
        }
        catch (JsonException ex)
        {
            _log.Error(Prefix + ex.Message);
            Close(ClosedReason.ProtocolViolation, flushFirst: true);
            return false;
        }

        if (connect is null)
        {
            Close(ClosedReason.ProtocolViolation, flushFirst: true);
            return false;
        }

        ClientIdentity? identity = null;
        if (!string.IsNullOrEmpty(connect.Account) || connect.NewAccount || (identity = Authenticate(connect)) is null)
        {
            _log.Error(Prefix + Auth.DescribeFailure(connect));
            _server.SystemEvents?.AuthenticationFailed(this, connect);
            SendErrAndClose("Authorization Violation", ClosedReason.AuthenticationFailure);
            return false;
        }

        ApplyIdentity(identity);
        if (!RegisterWithAccount())
        {
            return false;
        }

        // After authentication, as nats-server checks them.
        if (connect.Protocol is < 0 or > 1)
        {
            SendErrAndClose("invalid client protocol", ClosedReason.BadClientProtocolVersion);
            return false;
        }

        if (connect.NoResponders && !connect.Headers)
        {
            SendErrAndClose("no responders requires headers support", ClosedReason.NoRespondersRequiresHeaders);
            return false;
        }

        ConnectInfo = connect;
        _verbose = connect.Verbose;
        _pedantic = connect.Pedantic;
        _echo = connect.Echo;
        _headers = connect.Headers && !_server.Options.NoHeaderSupport;
        _noResponders = connect.NoResponders && _headers;
        _parser.HeadersAllowed = _headers;
        _parser.RequireConnect = false;
        if (!string.IsNullOrEmpty(connect.Name) || !string.IsNullOrEmpty(connect.Lang) || !string.IsNullOrEmpty(connect.Version))
        {
            _prefixConnect = connect;
            _prefix = null;
        }

        bool first = !_connectReceived;
        _connectReceived = true;
        if (first)
        {
            OnConnectAccepted();
            _server.OnClientConnected(this);
        }

        SendOk();
        return true;
    }

    /// <summary>
    /// A second CONNECT changes only the fields it names, as nats-server decodes it over the
    /// first (rare, so the round trip through a JSON tree is fine). A field given as null is
    /// left as it was, as Go's decoder does (System.Text.Json refuses null for a bool), so a
    /// first CONNECT with a null comes here too.
    /// </summary>
    private static ConnectOptions? Reconnect(ConnectOptions? previous, ReadOnlySpan<byte> json)
    {
        using JsonDocument changes = JsonDocument.Parse(json.ToArray());
        if (changes.RootElement.ValueKind != JsonValueKind.Object)
        {
            return JsonSerializer.Deserialize(json, ProtocolJson.Default.ConnectOptions); // not an object: the usual error
        }

        var merged = previous is null
            ? new System.Text.Json.Nodes.JsonObject()
            : (System.Text.Json.Nodes.JsonObject)JsonSerializer.SerializeToNode(previous, ProtocolJson.Default.ConnectOptions)!;
        foreach (JsonProperty change in changes.RootElement.EnumerateObject())
        {
            if (change.Value.ValueKind != JsonValueKind.Null)
            {
                // Go's decoder fails on a wrong type even when a later repeat of the key is right.
                new System.Text.Json.Nodes.JsonObject { [change.Name] = System.Text.Json.Nodes.JsonNode.Parse(change.Value.GetRawText()) }
                    .Deserialize(ProtocolJson.Default.ConnectOptions);
                merged[change.Name] = System.Text.Json.Nodes.JsonNode.Parse(change.Value.GetRawText()); // a repeated key: the last wins, as in Go
            }
        }

        return merged.Deserialize(ProtocolJson.Default.ConnectOptions);
    }

    public bool OnInfo(ReadOnlySpan<byte> json)
    {
        // Clients may send INFO; the server checks it is JSON and ignores it.
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            return true;
        }
        catch (JsonException ex)
        {
            _log.Error(Prefix + ex.Message);
            Close(ClosedReason.ProtocolViolation, flushFirst: true);
            return false;
        }
    }

    public bool OnPublishLine(ReadOnlySpan<byte> subject)
    {
        // nats-server's IsValidLiteralSubject: no empty token, no wildcard token; blanks are not looked at.
        if (_pedantic && !(SubjectRules.HasNoEmptyTokens(subject) && SubjectRules.IsLiteral(subject)))
        {
            SendErr("Invalid Publish Subject"); // the message is still delivered, as nats-server does
        }

        return true;
    }

    public bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        MarkActivity();
        InMsgs++;
        InBytes += message.Length;
        if (_log.IsTrace)
        {
            TracePayload(message);
        }

        // nats-server maps in the parser, so permissions and delivery see the mapped subject.
        if (_account.Mapper is { } mapper && !TryMapSubject(mapper, ref subject, reply))
        {
            return true;
        }

        // nats-server's order: the gateway prefix, then publish permissions, then reserved replies.
        if (subject.StartsWith("_GR_."u8))
        {
            SendErr($"Permissions Violation for Publish to {GoQuote.Quote(subject)}");
            return true;
        }

        if (!PublishAllowed(subject))
        {
            return true;
        }

        if (!reply.IsEmpty && IsReservedReply(reply))
        {
            SendErr($"Permissions Violation for Publish with Reply of {GoQuote.Quote(reply)}");
            return true;
        }

        SendOk();
        if (!subject.IsEmpty) // a client's HMSG: nats-server publishes it to no subject, nobody gets it
        {
            Publish(subject, reply, headerSize, message);
        }

        return true;
    }

    private static bool IsReservedReply(ReadOnlySpan<byte> reply) =>
        reply.StartsWith("_R_."u8) || reply.StartsWith("$JS.ACK."u8) || reply.StartsWith("_GR_."u8);

    /// <summary>
    /// Delivers one publication into this client's account (DeliveryBatch.Publish: local
    /// subscribers, queue groups, routes and leafs, imports); a requester with no_responders
    /// hears a 503 when nobody took it.
    /// </summary>
    private void Publish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        int delivered = Delivery.Publish(_account, _echo ? null : this, subject, reply, headerSize, message);
        if (delivered == 0 && _noResponders && !reply.IsEmpty)
        {
            SendNoResponders(reply);
        }
    }

    /// <summary>The 503 status a requester with no_responders gets when nobody received its request.</summary>
    private void SendNoResponders(ReadOnlySpan<byte> reply)
    {
        SublistResult result = _account.Sublist.Match(reply);
        foreach (Subscription sub in result.Plain)
        {
            if (ReferenceEquals(sub.Subscriber, this))
            {
                if (EnqueueMessage(reply, sub.Sid, default, NoRespondersMessage.Length, NoRespondersMessage, true))
                {
                    Touch(this);
                }

                return;
            }
        }
    }

    public bool OnPing()
    {
        MarkActivity();
        if (EnqueueProtocol(PongLine))
        {
            Touch(this);
        }

        Trace("->> [PONG]");
        if (!_firstPongSent && _connectReceived)
        {
            OnFirstPong();
        }

        return true;
    }

    public bool OnPong()
    {
        OnPongReceived();
        return true;
    }

    public bool OnOk() => true;

    public bool OnErr(ReadOnlySpan<byte> text)
    {
        _log.Error(Prefix + $"Client Error {Encoding.UTF8.GetString(text)}");

        // nats-server goes on with the rest of the read on the closed connection: its publishes
        // are still delivered (before the peer sees the close), nothing more is written, and a SUB is refused.
        CloseAfterRead(ClosedReason.ParseError);
        SealOutbound();
        return true;
    }

    private void SendOk()
    {
        if (_verbose && EnqueueProtocol(OkLine))
        {
            Touch(this);
            Trace("->> [OK]");
        }
    }

    /// <summary>Queues <c>-ERR 'text'</c>; the connection stays open.</summary>
    private void SendErr(string text)
    {
        Trace($"->> [-ERR {text}]");
        if (EnqueueProtocol(Encoding.UTF8.GetBytes($"-ERR '{text}'\r\n")))
        {
            Touch(this);
        }
    }

    /// <summary>Queues <c>-ERR 'text'</c>, then closes once it is written.</summary>
    internal void SendErrAndClose(string text, ClosedReason reason)
    {
        SendErr(text);
        Close(reason, flushFirst: true);
    }

    // An INFO up to this long (most are: connect_urls make it longer) is written on the stack for its send.
    private const int StackInfoLimit = 2048;

    private void SendInfo()
    {
        // A plain socket fresh from accept takes its INFO at once (its send buffer is empty): sent here, it costs
        // no wake-up of the write loop (a thread-pool hop per connection in a storm). The usual client's line is
        // written on the stack: no array per connection.
        bool sendNow = !IsClosing && Stream is NetworkStream && PendingBytes == 0;
        if (sendNow && _server.ClientInfo.UsualLine(this) is { } line && line.LengthFor(Id, RemoteHost, Nonce) is var length and <= StackInfoLimit)
        {
            Span<byte> info = stackalloc byte[length];
            line.WriteFor(info, Id, RemoteHost, Nonce);
            SendInfoNow(info);
            return;
        }

        byte[] bytes = _server.ClientInfo.Build(this);
        if (sendNow)
        {
            SendInfoNow(bytes);
            return;
        }

        EnqueueProtocol(bytes);
    }

    /// <summary>Sends INFO with one non-blocking send; what the socket does not take is queued, a failure is the write error the write loop would have met.</summary>
    private void SendInfoNow(ReadOnlySpan<byte> info)
    {
        int sent = SendNow(info);
        if (sent >= 0 && sent < info.Length)
        {
            EnqueueProtocol(info[sent..]);
        }
    }

    private void SendPing()
    {
        Trace("->> [PING]");
        StampPingSent();
        if (EnqueueProtocol(PingLine))
        {
            SignalFlush();
        }
    }

    internal override void OnSlowConsumer()
    {
        if (!IsClosing)
        {
            _log.Notice(Prefix + $"Slow Consumer Detected: MaxPending of {MaxPending} Exceeded");
            _server.Stats.AddSlowConsumer();
            Close(ClosedReason.SlowConsumerPendingBytes);
        }
    }

    protected override void OnWriteDeadlineExceeded(int pendingBytes)
    {
        _log.Notice(Prefix + $"Slow Consumer Detected: WriteDeadline of {Durations.Format(WriteDeadline)} exceeded with 1 chunks of {pendingBytes} total bytes.");
        _server.Stats.AddSlowConsumer();
    }

    protected override void OnClosing()
    {
        _server.RecordClosed(this, Reason); // /connz?state=closed, before the subscriptions go
        RemoveAllSubscriptions();
    }

    protected override void OnClosed(ClosedReason reason)
    {
        StopTimers();
        UnregisterFromAccount();
        _server.RemoveClient(this);
        if (_connectReceived)
        {
            _server.OnClientClosed(this, reason); // after the count drops: the advisory reports what is left
        }
        if (_log.IsDebug)
        {
            _log.Debug(Prefix + "Client connection closed: " + ClosedReasonText.Of(reason));
        }
    }

    private void Trace(string message)
    {
        if (_log.IsTrace)
        {
            _log.Trace(Prefix + message);
        }
    }

    public void TraceIn(ReadOnlySpan<byte> line)
    {
        _log.Trace(Prefix + "<<- [" + Redaction.TraceableLine(line) + "]");
    }

    private void TracePayload(ReadOnlySpan<byte> message)
    {
        int max = _server.Options.MaxTracedMsgLen;
        ReadOnlySpan<byte> shown = max > 0 && message.Length > max ? message[..max] : message;
        string suffix = shown.Length < message.Length ? "..." : "";
        _log.Trace(Prefix + "<<- MSG_PAYLOAD: [" + GoQuote.Quote(shown) + suffix + "]");
    }

    private void TraceOut(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, int size)
    {
        var sb = new StringBuilder(headerSize > 0 && _headers ? "->> [HMSG " : "->> [MSG ");
        sb.Append(Encoding.UTF8.GetString(subject)).Append(' ').Append(Encoding.UTF8.GetString(sid)).Append(' ');
        if (!reply.IsEmpty)
        {
            sb.Append(Encoding.UTF8.GetString(reply)).Append(' ');
        }

        if (headerSize > 0 && _headers)
        {
            sb.Append(headerSize).Append(' ').Append(size);
        }
        else
        {
            sb.Append(size - headerSize);
        }

        _log.Trace(Prefix + sb.Append(']'));
    }
}
