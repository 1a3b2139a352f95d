using System.Diagnostics;
using System.Globalization;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>
/// A child process appends (or updates a consumer) and prints each operation once the store has
/// returned; it is killed with SIGKILL at a random moment, and the store reopened here must hold
/// every printed operation. Several kill/reopen rounds run on the same directory.
/// </summary>
public sealed class FileStoreCrashTests : IDisposable
{
    private const int Rounds = 5;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string ToolPath()
    {
        // tests/NatsSharp.Server.Tests/bin/<config>/net10.0 → tests/NatsSharp.StoreCrashTool/bin/<config>/net10.0
        string here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string framework = Path.GetFileName(here);
        string config = Path.GetFileName(Path.GetDirectoryName(here)!);
        string tests = Path.GetFullPath(Path.Combine(here, "..", "..", "..", ".."));
        return Path.Combine(tests, "NatsSharp.StoreCrashTool", "bin", config, framework, "NatsSharp.StoreCrashTool.dll");
    }

    /// <summary>Runs the tool until it printed <paramref name="lines"/> lines (bounded by time), SIGKILLs it, returns all it printed.</summary>
    private List<string[]> RunAndKill(string mode, int seed, int lines)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath());
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(_dir.Path);
        start.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new List<string[]>();
        var deadline = Stopwatch.StartNew();
        while (output.Count < lines && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            string? line = process.StandardOutput.ReadLine();
            if (line is null)
            {
                break;
            }

            output.Add(line.Split(' '));
        }

        // Process.Kill is SIGKILL on Linux: no finalizers, no flush, no dispose.
        process.Kill();
        // What was printed before the kill is acknowledged too.
        string rest = process.StandardOutput.ReadToEnd();
        output.AddRange(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p.Length == (p[0] == "A" ? 4 : p[0] == "D" ? 2 : 3)));
        process.WaitForExit();
        string errors = stderr.Result;
        Assert.True(output.Count > 0, "the tool printed nothing: " + errors);
        Assert.DoesNotContain("Unhandled", errors, StringComparison.Ordinal);
        return output;
    }

    [Fact]
    public void Every_acknowledged_append_and_delete_survives_SIGKILL()
    {
        var acked = new Dictionary<ulong, (int Length, uint Crc)>();
        var deleted = new HashSet<ulong>();
        int baseSeed = Environment.TickCount & 0xFFFF;
        for (int round = 0; round < Rounds; round++)
        {
            int seed = baseSeed + round;
            int lines = new Random(seed).Next(200, 3000);
            foreach (var parts in RunAndKill("stream", seed, lines))
            {
                ulong seq = ulong.Parse(parts[1], CultureInfo.InvariantCulture);
                if (parts[0] == "A")
                {
                    acked[seq] = (int.Parse(parts[2], CultureInfo.InvariantCulture), uint.Parse(parts[3], CultureInfo.InvariantCulture));
                }
                else
                {
                    deleted.Add(seq);
                }
            }

            var losses = new List<StoreLoss>();
            using var store = new FileStreamStore(_dir.Path, null, new FileStoreOptions(BlockSize: 16 * 1024), losses.Add);
            string context = $"seed {seed}, round {round}";
            // A kill mid-write can leave a torn last record: that one was never acknowledged.
            Assert.True(losses.All(l => l.LastGoodSequence >= acked.Keys.Max()), context + ": lost acknowledged data: " + string.Join("; ", losses));
            Assert.True(store.State.LastSequence >= acked.Keys.Max(), context);
            var missing = new List<ulong>();
            foreach (var (seq, (length, crc)) in acked)
            {
                if (deleted.Contains(seq))
                {
                    Assert.False(store.TryLoad(seq, out _), $"{context}: deleted {seq} is back");
                    continue;
                }

                if (!store.TryLoad(seq, out var message))
                {
                    missing.Add(seq);
                    continue;
                }

                Assert.Equal(seq, message.Sequence);
                Assert.Equal(length, message.Data.Length);
                Assert.Equal(crc, Crc32C.Compute(message.Data.Span));
            }

            // Only a delete that returned but was not printed before the kill may be unknown here.
            Assert.True(missing.Count <= 1, $"{context}: acknowledged messages missing: {string.Join(",", missing)}");
            deleted.UnionWith(missing);
        }
    }

    [Fact]
    public void Consumer_ack_state_survives_SIGKILL()
    {
        int baseSeed = Environment.TickCount & 0xFFFF;
        var delivered = new Dictionary<ulong, ulong>();
        var acked = new HashSet<ulong>();
        ulong lastDelivered = 0;
        for (int round = 0; round < Rounds; round++)
        {
            int seed = baseSeed + round;
            foreach (var parts in RunAndKill("consumer", seed, new Random(seed).Next(200, 3000)))
            {
                ulong dseq = ulong.Parse(parts[1], CultureInfo.InvariantCulture);
                ulong sseq = ulong.Parse(parts[2], CultureInfo.InvariantCulture);
                if (parts[0] == "L")
                {
                    delivered[sseq] = dseq;
                    lastDelivered = Math.Max(lastDelivered, dseq);
                }
                else
                {
                    acked.Add(sseq);
                }
            }

            using var store = new FileStreamStore(_dir.Path);
            using var consumer = store.OpenConsumer("C");
            var state = consumer.State;
            string context = $"seed {seed}, round {round}";
            // The tool may have done one more operation than it printed.
            Assert.InRange(state.Delivered.ConsumerSequence, lastDelivered, lastDelivered + 1);
            foreach (ulong sseq in acked)
            {
                Assert.False(state.Pending.ContainsKey(sseq), $"{context}: acked {sseq} is pending again");
            }

            int missing = delivered.Keys.Count(s => !acked.Contains(s) && s > state.AckFloor.StreamSequence && !state.Pending.ContainsKey(s));
            Assert.True(missing <= 1, $"{context}: {missing} delivered messages lost from pending");
            // The store is the truth from here on (it may hold one operation the tool did not print).
            lastDelivered = state.Delivered.ConsumerSequence;
            acked.UnionWith(delivered.Keys.Where(s => !state.Pending.ContainsKey(s)));
        }
    }
}
