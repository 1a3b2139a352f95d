using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>The text forms nats-server's monitoring JSON uses for times and durations.</summary>
internal static class GoFormat
{
    /// <summary>RFC 3339 with fractional seconds, trailing zeros trimmed, UTC ("2026-11-22T02:32:29.5791354Z").</summary>
    public static string Time(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whole-second uptime as nats-server prints it: "7s", "1m2s", "1h2m3s", "1d2h3m4s", "1y2d3h4m5s".</summary>
    public static string Uptime(TimeSpan d)
    {
        long secs = Math.Max(0, (long)d.TotalSeconds);
        long mins = secs / 60, hours = mins / 60, days = hours / 24, years = days / 365;
        if (years > 0)
        {
            return $"{years}y{days % 365}d{hours % 24}h{mins % 60}m{secs % 60}s";
        }

        if (days > 0)
        {
            return $"{days}d{hours % 24}h{mins % 60}m{secs % 60}s";
        }

        if (hours > 0)
        {
            return $"{hours}h{mins % 60}m{secs % 60}s";
        }

        return mins > 0 ? $"{mins}m{secs % 60}s" : $"{secs}s";
    }

    /// <summary>Go's time.Duration.String(): "0s", "850ns", "703µs", "9.171735ms", "1.5s", "2m3.25s", "1h0m0s".</summary>
    public static string Duration(TimeSpan d)
    {
        long ns = d.Ticks * 100;
        if (ns == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (ns < 0)
        {
            sb.Append('-');
            ns = -ns;
        }

        if (ns < 1_000_000_000)
        {
            (long unit, string suffix) = ns < 1_000 ? (1L, "ns") : ns < 1_000_000 ? (1_000L, "µs") : (1_000_000L, "ms");
            return sb.Append(Fraction(ns, unit)).Append(suffix).ToString();
        }

        long hours = ns / 3_600_000_000_000;
        long rest = ns % 3_600_000_000_000;
        long minutes = rest / 60_000_000_000;
        rest %= 60_000_000_000;
        if (hours > 0)
        {
            sb.Append(hours).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes).Append('m');
        }

        return sb.Append(Fraction(rest, 1_000_000_000)).Append('s').ToString();
    }

    private static string Fraction(long value, long unit)
    {
        long whole = value / unit;
        long frac = value % unit;
        if (frac == 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        int digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        string f = frac.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return whole.ToString(CultureInfo.InvariantCulture) + "." + f;
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    public static bool TryParseBool(string s, out bool value)
    {
        switch (s)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
