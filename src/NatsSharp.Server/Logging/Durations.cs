using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Logging;

/// <summary>Formats durations the way Go prints them ("10s", "2m0s", "1m30s", "1.5s", "500ms").</summary>
internal static class Durations
{
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Negate();
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            double ms = value.TotalMilliseconds;
            return sb.Append(ms.ToString("0.######", CultureInfo.InvariantCulture)).Append("ms").ToString();
        }

        long hours = (long)value.TotalHours;
        if (hours > 0)
        {
            sb.Append(hours).Append('h');
        }

        if (hours > 0 || value.Minutes > 0)
        {
            sb.Append(value.Minutes).Append('m');
        }

        double seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond);
        return sb.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
