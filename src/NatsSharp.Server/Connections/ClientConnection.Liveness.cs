namespace NatsSharp.Server.Connections;

/// <summary>Keepalive (server PINGs, stale detection) and the authorization timeout.</summary>
internal sealed partial class ClientConnection
{
    /// <summary>The first server PING comes this soon after CONNECT, to measure the RTT.</summary>
    private static readonly TimeSpan FirstPingDelay = TimeSpan.FromSeconds(2);

    private Timer? _pingTimer;
    private Timer? _authTimer;
    private int _pingsOut;
    private volatile bool _activity;
    private volatile bool _rttMeasured;

    private void StartTimers()
    {
        _pingTimer = new Timer(static s => ((ClientConnection)s!).OnPingTimer(), this, _server.Options.PingInterval, Timeout.InfiniteTimeSpan);
        if (Auth.Required)
        {
            TimeSpan timeout = IsWebSocket && _server.Options.WebSocket is { AuthTimeout.Ticks: > 0 } ws ? ws.AuthTimeout : _server.Options.EffectiveAuthTimeout;
            _authTimer = new Timer(static s => ((ClientConnection)s!).OnAuthTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopTimers()
    {
        _pingTimer?.Dispose();
        _authTimer?.Dispose();
    }

    private void MarkActivity() => _activity = true;

    /// <summary>After the first CONNECT: the auth timer stops and the RTT ping comes soon.</summary>
    private void OnConnectAccepted()
    {
        _authTimer?.Dispose();
        _authTimer = null;
        TimeSpan interval = _server.Options.PingInterval;
        TimeSpan first = interval < FirstPingDelay ? interval : FirstPingDelay;
        first += TimeSpan.FromTicks((long)(first.Ticks * 0.2 * Random.Shared.NextDouble()));
        _pingTimer?.Change(first, Timeout.InfiniteTimeSpan);
    }

    private void OnPongReceived()
    {
        Volatile.Write(ref _pingsOut, 0);
        _rttMeasured = true;
        MeasureRtt();
    }

    private void OnPingTimer()
    {
        if (IsClosing)
        {
            return;
        }

        // Skip the PING when the client showed life this interval; always send the first (RTT). Only a PING that
        // is due counts the unanswered ones, as nats-server: a client that stopped answering but keeps talking stays.
        if (!_rttMeasured || !_activity)
        {
            if (Volatile.Read(ref _pingsOut) + 1 > _server.Options.PingMax)
            {
                _log.Debug(Prefix + "Stale Client Connection - Closing");
                SendErrAndCloseFromTimer("Stale Connection", ClosedReason.StaleConnection);
                return;
            }

            Interlocked.Increment(ref _pingsOut);
            if (_log.IsDebug)
            {
                _log.Debug(Prefix + "Client Ping Timer");
            }

            SendPing();
        }

        _activity = false;
        _pingTimer?.Change(_server.Options.PingInterval, Timeout.InfiniteTimeSpan);
    }

    private void OnAuthTimeout()
    {
        if (_connectReceived || IsClosing)
        {
            return;
        }

        _log.Error(Prefix + "Authentication Timeout");
        SendErrAndCloseFromTimer("Authentication Timeout", ClosedReason.AuthenticationTimeout);
    }

    /// <summary>Timers run outside the read loop, so they signal the writer themselves.</summary>
    private void SendErrAndCloseFromTimer(string text, ClosedReason reason)
    {
        Trace($"->> [-ERR {text}]");
        EnqueueProtocol(System.Text.Encoding.UTF8.GetBytes($"-ERR '{text}'\r\n"));
        Close(reason, flushFirst: true);
    }
}
