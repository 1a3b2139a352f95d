using System.Globalization;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.StoreCrashTool;

/// <summary>
/// <c>stream &lt;dir&gt; &lt;seed&gt;</c>: appends forever, printing "A seq length checksum" after each
/// Append returns and "D seq" after each Remove. <c>consumer &lt;dir&gt; &lt;seed&gt;</c>: delivers and
/// acks forever, printing "L dseq sseq" and "K dseq sseq". Runs until killed.
/// <c>fill &lt;dir&gt; &lt;count&gt; &lt;size&gt;</c>: appends count messages and exits.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        string mode = args[0];
        string dir = args[1];
        if (mode == "fill")
        {
            // fill <dir> <count> <size>: the disk-use comparison with nats-server (docs/jetstream-storage.md).
            using var filled = new FileStreamStore(dir);
            var payload = new byte[int.Parse(args[3], CultureInfo.InvariantCulture)];
            for (int i = int.Parse(args[2], CultureInfo.InvariantCulture); i > 0; i--)
            {
                filled.Append("bench.orders", default, payload);
            }

            Console.WriteLine(filled.State);
            return 0;
        }

        var random = new Random(int.Parse(args[2], CultureInfo.InvariantCulture));
        using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        using var store = new FileStreamStore(dir, null, new FileStoreOptions(BlockSize: 16 * 1024), loss => Console.Error.WriteLine($"loss {loss}"));
        return mode == "stream" ? RunStream(store, random, stdout) : RunConsumer(store, random, stdout);
    }

    private static int RunStream(FileStreamStore store, Random random, StreamWriter stdout)
    {
        var live = new List<ulong>();
        var data = new byte[400];
        while (true)
        {
            if (random.Next(10) == 0 && live.Count > 0)
            {
                int index = random.Next(live.Count);
                ulong victim = live[index];
                live.RemoveAt(index);
                if (store.Remove(victim, erase: random.Next(4) == 0))
                {
                    stdout.WriteLine($"D {victim}");
                }

                continue;
            }

            int length = random.Next(0, data.Length);
            random.NextBytes(data.AsSpan(0, length));
            var (seq, _) = store.Append("crash." + random.Next(5), default, data.AsSpan(0, length));
            live.Add(seq);
            stdout.WriteLine($"A {seq} {length} {Crc32C.Compute(data.AsSpan(0, length))}");
        }
    }

    private static int RunConsumer(FileStreamStore store, Random random, StreamWriter stdout)
    {
        using var consumer = store.OpenConsumer("C");
        var pending = consumer.State.Pending.Select(p => (p.Value.ConsumerSequence, p.Key)).ToList();
        ulong dseq = consumer.State.Delivered.ConsumerSequence;
        ulong sseq = consumer.State.Delivered.StreamSequence;
        while (true)
        {
            if (random.Next(3) == 0 && pending.Count > 0)
            {
                int index = random.Next(Math.Min(pending.Count, 4));
                var (d, s) = pending[index];
                pending.RemoveAt(index);
                consumer.UpdateAcks(d, s);
                consumer.Flush(); // updates are buffered until flushed: print only what is on the OS
                stdout.WriteLine($"K {d} {s}");
                continue;
            }

            dseq++;
            sseq += (ulong)random.Next(1, 3);
            consumer.UpdateDelivered(dseq, sseq, 1, (long)dseq);
            consumer.Flush();
            pending.Add((dseq, sseq));
            stdout.WriteLine($"L {dseq} {sseq}");
        }
    }
}
