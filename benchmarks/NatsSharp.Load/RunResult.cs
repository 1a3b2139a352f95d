namespace NatsSharp.Load;

/// <summary>Outcome of one natsload run.</summary>
internal sealed class RunResult
{
    public required Options Options { get; init; }

    public string ServerName { get; set; } = "";

    public string ServerVersion { get; set; } = "";

    /// <summary>Wall time of the measured part, first publish to last delivery (or last PONG for pub).</summary>
    public double ElapsedSeconds { get; set; }

    /// <summary>Headline rate: published msgs/s (pub), delivered msgs/s summed over subscribers, or requests/s.</summary>
    public double MsgsPerSec { get; set; }

    /// <summary>Publisher side: messages / time until the server acknowledged the last PUB.</summary>
    public double PubMsgsPerSec { get; set; }

    public long Published { get; set; }

    public long Expected { get; set; }

    public long Delivered { get; set; }

    public long[] PerSubscriber { get; set; } = [];

    public LatencyStats? Latency { get; set; }

    public string? Error { get; set; }

    /// <summary>storm: natsload's own CPU (user + system) over the measured part, ms; negative = not measured.</summary>
    public double ClientCpuMs { get; set; } = -1;

    /// <summary>storm: ms until the last client's connect was issued (natsload's own loop); -1 = not measured.</summary>
    public double LaunchMs { get; set; } = -1;

    /// <summary>storm: clients whose socket retransmitted (a SYN dropped by a full accept queue); -1 = not measured.</summary>
    public int Retransmitted { get; set; } = -1;

    /// <summary>idle: the server's settled RSS before the clients connected and with them connected, KB; -1 = not measured.</summary>
    public long RssBeforeKb { get; set; } = -1;

    public long RssAfterKb { get; set; } = -1;

    /// <summary>idle: whether both RSS figures settled within --hold (otherwise the last samples).</summary>
    public bool RssSettled { get; set; }

    public bool Ok => Error is null;

    public long Lost => Math.Max(0, Expected - Delivered);

    public double PayloadBytesPerSec => MsgsPerSec * Options.Size;

    public static RunResult Failed(Options options, string error) => new() { Options = options, Error = error };
}
