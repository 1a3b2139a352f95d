using NatsSharp.Server.Logging;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// <c>compression</c> of a leafnodes block or remote (a nats-server 2.10 option). It is validated
/// as 2.10 does, but NatsSharp has no S2 codec: every leaf connection is negotiated "off"
/// (docs/leafnodes.md).
/// </summary>
public sealed class CompressionOptions
{
    public const string Off = "off";
    public const string Accept = "accept";
    public const string S2Auto = "s2_auto";
    public const string S2Fast = "s2_fast";
    public const string S2Better = "s2_better";
    public const string S2Best = "s2_best";
    public const string NotSupported = "not supported";

    /// <summary>The mode as configured ("" = not configured); <see cref="Normalize"/> gives the canonical name.</summary>
    public string Mode { get; init; } = "";

    /// <summary>For <c>s2_auto</c>: the round-trip times that pick the S2 level (empty = nats-server's defaults).</summary>
    public IReadOnlyList<TimeSpan> RttThresholds { get; init; } = [];

    /// <summary>
    /// nats-server's validateAndNormalizeCompressionOption for leafnodes ("on" means <c>s2_auto</c>):
    /// the canonical mode, or null with <paramref name="error"/> set.
    /// </summary>
    public static string? Normalize(string mode, IReadOnlyList<TimeSpan> rttThresholds, out string error)
    {
        error = "";
        string m = mode.ToLowerInvariant();
        m = m is "on" or "enabled" or "true" ? S2Auto : m;
        switch (m)
        {
            case "not supported":
            case "not_supported":
                return NotSupported;
            case "disabled":
            case "off":
            case "false":
                return Off;
            case "accept":
                return Accept;
            case "auto":
            case "s2_auto":
                error = CheckThresholds(mode, rttThresholds);
                return error.Length == 0 ? S2Auto : null;
            case "fast":
            case "s2_fast":
                return S2Fast;
            case "better":
            case "s2_better":
                return S2Better;
            case "best":
            case "s2_best":
                return S2Best;
            default:
                error = $"unsupported compression mode {GoQuote.Quote(mode)}";
                return null;
        }
    }

    /// <summary>Thresholds ascend (a 0 disables a level), at most four, at least one once trailing zeros are dropped.</summary>
    private static string CheckThresholds(string mode, IReadOnlyList<TimeSpan> given)
    {
        if (given.Count == 0)
        {
            return "";
        }

        var rtts = new List<TimeSpan>();
        foreach (TimeSpan t in given)
        {
            TimeSpan n = t < TimeSpan.Zero ? TimeSpan.Zero : t;
            if (n != TimeSpan.Zero && rtts.Any(v => n < v))
            {
                return $"RTT threshold values {GoList(given)} should be in ascending order";
            }

            rtts.Add(n);
        }

        int last = rtts.FindLastIndex(t => t != TimeSpan.Zero);
        return (last + 1) switch
        {
            > 4 => $"compression mode {GoQuote.Quote(mode)} should have no more than 4 RTT thresholds: {GoList(given)}",
            0 => $"compression mode {GoQuote.Quote(mode)} requires at least one RTT threshold",
            _ => "",
        };
    }

    private static string GoList(IReadOnlyList<TimeSpan> values) =>
        "[" + string.Join(" ", values.Select(v => Durations.Format(v))) + "]";
}
