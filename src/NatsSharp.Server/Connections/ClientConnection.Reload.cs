namespace NatsSharp.Server.Connections;

/// <summary>What a configuration reload or lame-duck mode does to a live client.</summary>
internal sealed partial class ClientConnection
{
    /// <summary>
    /// Reloaded limits take effect on the next command. Called off the read loop: each
    /// value is a single word the parser reads per command, so no lock is needed.
    /// </summary>
    internal void ApplyLimits(ServerOptions options, bool trace)
    {
        ApplyAccountLimits(options, log: false);
        _parser.MaxControlLine = options.MaxControlLine;
        _parser.Trace = trace;
        WriteDeadline = options.WriteDeadline;
    }

    /// <summary>Sends <c>-ERR 'text'</c> and closes, from outside the read loop (reload, lame duck).</summary>
    internal void CloseFromServer(string err, ClosedReason reason, string logText)
    {
        if (IsClosing)
        {
            return;
        }

        _log.Error(Prefix + logText);
        SendErrAndCloseFromTimer(err, reason);
    }
}
