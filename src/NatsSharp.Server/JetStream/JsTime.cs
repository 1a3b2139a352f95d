namespace NatsSharp.Server.JetStream;

/// <summary>Unix nanoseconds, JetStream's clock, and Go's zero time ("0001-01-01T00:00:00Z").</summary>
internal static class JsTime
{
    public static long NowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    public static DateTime ToDateTime(long ns) =>
        ns == 0 ? new DateTime(0, DateTimeKind.Utc) : new DateTime(DateTime.UnixEpoch.Ticks + (ns / 100), DateTimeKind.Utc);

    public static long ToNs(DateTime time) => (time.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Go's time.RFC3339Nano (trailing zeros cut), as the headers of DIRECT.GET carry it.</summary>
    public static string Rfc3339Nano(long ns)
    {
        DateTime t = ToDateTime(ns);
        string frac = (ns % 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + (frac.Length > 0 ? "." + frac : "") + "Z";
    }
}
