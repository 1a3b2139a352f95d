using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// <c>natsload stalls</c>: how often this machine stops running a thread that wants to run. One thread per CPU,
/// pinned to it, reads the clock in a loop for <c>--hold</c> seconds; a gap between two reads is time the thread
/// did not run (on a VM mostly the host running something else: steal; also interrupts). A request that is in
/// flight during such a gap waits for it whichever server it is on, so the stalls set a floor under every
/// server's request/reply p99.9 and max on the machine: compare.sh reports them beside its table.
/// </summary>
internal static class StallProbe
{
    private static readonly long Us = Stopwatch.Frequency / 1_000_000;

    private sealed class CpuStalls
    {
        public int Cpu;
        public long Over100Us;
        public long Over1Ms;
        public long StalledTicks;
        public long MaxTicks;
    }

    public static int Run(string[] args)
    {
        double seconds = 3;
        bool json = false;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--json")
            {
                json = true;
            }
            else if (args[i] == "--hold" && i + 1 < args.Length && double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s <= 60)
            {
                seconds = s;
            }
            else
            {
                Console.Error.WriteLine($"natsload stalls: unexpected argument '{args[i]}' (usage: natsload stalls [--hold <sec, at most 60>] [--json])");
                return 2;
            }
        }

        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("natsload stalls: needs Linux (a thread pinned to each CPU)");
            return 1;
        }

        int cpus = Math.Min(Environment.ProcessorCount, 64);
        var results = new CpuStalls[cpus];
        var threads = new Thread[cpus];
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        for (int c = 0; c < cpus; c++)
        {
            var r = results[c] = new CpuStalls { Cpu = c };
            threads[c] = new Thread(() => Spin(r, end)) { IsBackground = true };
            threads[c].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Console.Out.Write(json ? Json(results, seconds) : Text(results, seconds));
        return 0;
    }

    private static unsafe void Spin(CpuStalls r, long end)
    {
        ulong mask = 1UL << r.Cpu;
        Libc.sched_setaffinity(0, sizeof(ulong), &mask); // the calling thread; if it fails the thread just floats
        long gap50 = 50 * Us, gap100 = 100 * Us, gap1ms = 1000 * Us;
        long last = Stopwatch.GetTimestamp();
        while (last < end)
        {
            long now = Stopwatch.GetTimestamp();
            long gap = now - last;
            last = now;
            if (gap < gap50)
            {
                continue;
            }

            r.StalledTicks += gap;
            r.MaxTicks = Math.Max(r.MaxTicks, gap);
            r.Over100Us += gap >= gap100 ? 1 : 0;
            r.Over1Ms += gap >= gap1ms ? 1 : 0;
        }
    }

    private static string Text(CpuStalls[] results, double seconds)
    {
        var text = new StringBuilder();
        foreach (CpuStalls r in results)
        {
            text.Append(CultureInfo.InvariantCulture, $"CPU {r.Cpu}: stalled {100.0 * r.StalledTicks / (seconds * Stopwatch.Frequency):0.00}% of {seconds:0.#} s; ");
            text.Append(CultureInfo.InvariantCulture, $"stalls >= 100 us {r.Over100Us}, >= 1 ms {r.Over1Ms} ({r.Over1Ms / seconds:0.0}/s), longest {r.MaxTicks / (double)Us / 1000:0.00} ms\n");
        }

        return text.ToString();
    }

    private static string Json(CpuStalls[] results, double seconds)
    {
        var json = new StringBuilder("{\"seconds\":").Append(seconds.ToString(CultureInfo.InvariantCulture)).Append(",\"cpus\":[");
        for (int i = 0; i < results.Length; i++)
        {
            CpuStalls r = results[i];
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"cpu\":{r.Cpu},\"stalled_pct\":{100.0 * r.StalledTicks / (seconds * Stopwatch.Frequency):0.000},\"over_100us\":{r.Over100Us},\"over_1ms\":{r.Over1Ms},\"max_us\":{r.MaxTicks / (double)Us:0.0}}}");
        }

        return json.Append("]}\n").ToString();
    }
}
