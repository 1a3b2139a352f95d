using System.Diagnostics;
using System.Globalization;

namespace NatsSharp.Load;

/// <summary>
/// The resident memory of a server process on this host (Linux <c>/proc/&lt;pid&gt;/status</c> VmRSS), read until it
/// stops moving: the idle scenario's before and after figures.
/// </summary>
internal static class ServerRss
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>VmRSS in KB, or -1 when the process is gone or not readable.</summary>
    public static long ReadKb(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return -1;
    }

    /// <summary>
    /// Samples every 250 ms until the last <paramref name="window"/> of samples moved by at most 1% (at least 256 KB),
    /// or <paramref name="limit"/> has passed. The window is long enough to hold a periodic clean-up of either server
    /// (ours trims every 5 s), so "stable" is not the quiet moment before one. Returns the last sample and whether it
    /// settled.
    /// </summary>
    public static (long Kb, bool Settled) Settle(int pid, TimeSpan window, TimeSpan limit)
    {
        int needed = Math.Max(2, (int)(window / Interval) + 1);
        var samples = new Queue<long>(needed);
        var clock = Stopwatch.StartNew();
        long last = ReadKb(pid);
        while (true)
        {
            last = ReadKb(pid);
            if (last < 0)
            {
                throw new LoadException($"server process {pid} is gone (no /proc/{pid}/status)");
            }

            samples.Enqueue(last);
            if (samples.Count > needed)
            {
                samples.Dequeue();
            }

            if (samples.Count == needed && samples.Max() - samples.Min() <= Math.Max(256, samples.Max() / 100))
            {
                return (last, true);
            }

            if (clock.Elapsed >= limit)
            {
                return (last, false);
            }

            Thread.Sleep(Interval);
        }
    }
}
