namespace NatsSharp.Server.Connections;

/// <summary>Keepalive (server PINGs, stale detection) and the authorization timeout.</summary>
internal sealed partial class ClientConnection
{
    /// <summary>The first server PING comes this soon after CONNECT, to measure the RTT.</summary>
    private static readonly TimeSpan FirstPingDelay = TimeSpan.FromSeconds(2);

    private int _pingsOut;

    // Kept by the server's ConnectionTimers, under its lock only: the next PING and the authorization
    // deadline (Environment.TickCount64 ms, long.MaxValue for none), the slot in its heap, and whether the
    // connection has closed (no deadline is set again).
    internal long TimerPingDue = long.MaxValue;
    internal long TimerAuthDue = long.MaxValue;
    internal int TimerIndex = -1;
    internal bool TimersStopped;

    private ConnectionTimers Timers => _server.ClientTimers;

    private volatile bool _activity;
    private volatile bool _rttMeasured;

    private static long DueIn(TimeSpan delay) => Environment.TickCount64 + (long)Math.Ceiling(delay.TotalMilliseconds);

    private void StartTimers()
    {
        if (Auth.Required)
        {
            TimeSpan timeout = IsWebSocket && _server.Options.WebSocket is { AuthTimeout.Ticks: > 0 } ws ? ws.AuthTimeout : _server.Options.EffectiveAuthTimeout;
            Timers.SetAuth(this, DueIn(timeout));
        }

        Timers.SetPing(this, DueIn(_server.Options.PingInterval));
    }

    private void StopTimers() => Timers.Stop(this);

    /// <summary>Called by <see cref="ConnectionTimers"/> (on its thread) when a deadline has passed.</summary>
    internal void OnTimersDue(bool auth, bool ping)
    {
        if (auth)
        {
            OnAuthTimeout();
        }

        if (ping)
        {
            OnPingTimer();
        }
    }

    private void MarkActivity() => _activity = true;

    /// <summary>After the first CONNECT: the auth timer stops and the RTT ping comes soon.</summary>
    private void OnConnectAccepted()
    {
        Timers.SetAuth(this, long.MaxValue);
        TimeSpan interval = _server.Options.PingInterval;
        TimeSpan first = interval < FirstPingDelay ? interval : FirstPingDelay;
        first += TimeSpan.FromTicks((long)(first.Ticks * 0.2 * Random.Shared.NextDouble()));
        Timers.SetPing(this, DueIn(first));
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

        if (Volatile.Read(ref _pingsOut) + 1 > _server.Options.PingMax)
        {
            _log.Debug(_prefix + "Stale Client Connection - Closing");
            SendErrAndCloseFromTimer("Stale Connection", ClosedReason.StaleConnection);
            return;
        }

        // Skip the PING when the client showed life this interval; always send the first (RTT).
        if (!_rttMeasured || !_activity)
        {
            Interlocked.Increment(ref _pingsOut);
            if (_log.IsDebug)
            {
                _log.Debug(_prefix + "Client Ping Timer");
            }

            SendPing();
        }

        _activity = false;
        Timers.SetPing(this, DueIn(_server.Options.PingInterval));
    }

    private void OnAuthTimeout()
    {
        if (_connectReceived || IsClosing)
        {
            return;
        }

        _log.Error(_prefix + "Authentication Timeout");
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
