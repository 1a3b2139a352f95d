namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// The open-file limit of the test process (its servers inherit it): a storm of N clients needs N
/// sockets here and N in the server, so a low limit fails the storm for a reason that is not the server's.
/// </summary>
internal static class FdLimit
{
    /// <summary>The soft "Max open files" of this process, or -1 when /proc does not say.</summary>
    public static long Soft()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            string[] fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            return fields.Length > 3 && long.TryParse(fields[3], System.Globalization.CultureInfo.InvariantCulture, out long soft) ? soft
                : fields.Length > 3 && fields[3] == "unlimited" ? long.MaxValue : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>A loud warning when <paramref name="sockets"/> (plus a margin for the runtime's own) do not fit; else empty.</summary>
    public static string Warning(int sockets)
    {
        long soft = Soft();
        return soft >= 0 && soft < sockets + 512
            ? $"*** FD LIMIT TOO LOW: {sockets} clients need {sockets + 512}+ open files in the test process and in the server, " +
              $"the soft limit here is {soft} (raise it with `ulimit -n`); clients will fail for that reason, not the server's ***"
            : "";
    }
}
