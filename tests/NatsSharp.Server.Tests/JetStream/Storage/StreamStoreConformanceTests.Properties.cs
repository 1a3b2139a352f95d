using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>
/// Random sequences of appends, removes, purges, limit changes, expiry and skips (and restarts
/// where the store persists), compared after every step with <see cref="ReferenceStream"/>.
/// Bounded and seeded; a failure names its seed and step.
/// </summary>
public abstract partial class StreamStoreConformanceTests
{
    private static readonly string[] PropertySubjects = ["a.1", "a.2", "a.3", "b.1", "b.2", "c"];
    private static readonly string[] PropertyFilters = [">", "", "a.*", "b.>", "a.1", "c", "*.2", "d"];

    /// <summary>The bytes the store counts for one message: nats-server's fileStoreMsgSize (4 more with headers, its header length field).</summary>
    internal virtual ulong StoredSize(string subject, int headerLength, int dataLength) =>
        30UL + (ulong)subject.Length + (headerLength > 0 ? 4UL + (ulong)headerLength : 0UL) + (ulong)dataLength;

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8, Environment.TickCount & 0xFFFF];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_operations_match_the_reference_model(int seed)
    {
        var random = new Random(seed);
        var model = new ReferenceStream(StoredSize);
        var store = CreateStore();
        // Timestamps ahead of the clock: only ExpireByAge (with its own "now") expires anything.
        long baseTs = FileStreamStore.UnixNowNs() + TimeSpan.FromHours(1).Ticks * 100;
        long clock = baseTs;
        string op = "";
        for (int step = 0; step < 400; step++)
        {
            try
            {
                int pick = random.Next(100);
                if (pick < 55)
                {
                    string subject = PropertySubjects[random.Next(PropertySubjects.Length)];
                    byte[] header = random.Next(4) == 0 ? RandomBytes(random, random.Next(1, 20)) : [];
                    byte[] data = RandomBytes(random, random.Next(0, 60));
                    clock += random.Next(1, 1_000_000);
                    op = $"append {subject} h{header.Length} d{data.Length}";
                    var (seq, ts) = store.Append(subject, header, data, clock);
                    Assert.Equal(model.Append(subject, header, data, clock), seq);
                    Assert.Equal(clock, ts);
                }
                else if (pick < 70)
                {
                    ulong seq = (ulong)random.NextInt64((long)model.First - 1, (long)model.Last + 2);
                    op = $"remove {seq}";
                    Assert.Equal(model.Remove(seq), store.Remove(seq, erase: random.Next(5) == 0));
                }
                else if (pick < 76)
                {
                    string? subject = random.Next(3) == 0 ? null : PropertyFilters[random.Next(PropertyFilters.Length)];
                    ulong upTo = random.Next(3) == 0 ? (ulong)random.NextInt64((long)model.First, (long)model.Last + 3) : 0;
                    ulong keep = upTo == 0 && random.Next(2) == 0 ? (ulong)random.Next(0, 5) : 0;
                    op = $"purge {subject ?? "null"} upTo={upTo} keep={keep}";
                    Assert.Equal(model.Purge(subject, upTo, keep), store.Purge(subject, upTo, keep));
                }
                else if (pick < 82)
                {
                    var limits = new StreamStoreLimits(
                        MaxMsgs: random.Next(3) == 0 ? random.Next(1, 30) : -1,
                        MaxBytes: random.Next(4) == 0 ? random.Next(100, 3000) : -1,
                        MaxAge: random.Next(3) == 0 ? TimeSpan.FromMilliseconds(random.Next(1, 50)) : TimeSpan.Zero,
                        MaxMsgsPerSubject: random.Next(3) == 0 ? random.Next(1, 4) : -1);
                    op = $"limits {limits}";
                    model.MaxMsgs = limits.MaxMsgs;
                    model.MaxBytes = limits.MaxBytes;
                    model.MaxAge = limits.MaxAge;
                    model.MaxPerSubject = limits.MaxMsgsPerSubject;
                    model.ApplyLimits();
                    store.UpdateLimits(limits);
                }
                else if (pick < 88)
                {
                    long now = clock - random.Next(0, 60_000_000);
                    op = $"expire {now - baseTs}";
                    Assert.Equal(model.Expire(now), store.ExpireByAge(now));
                }
                else if (pick < 92)
                {
                    ulong to = model.Last + (ulong)random.Next(0, 5);
                    op = $"skip {to}";
                    model.SkipTo(to);
                    store.SkipTo(to);
                }
                else
                {
                    op = "reopen";
                    store = Reopen(store);
                }

                Compare(model, store, random);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"seed {seed}, step {step}, op {op}: {ex.Message}", ex);
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void Compare(ReferenceStream model, IStreamStore store, Random random)
    {
        var state = store.State;
        Assert.Equal((ulong)model.Messages.Count, state.Messages);
        Assert.Equal(model.Last, state.LastSequence);
        Assert.Equal(model.First, state.FirstSequence);
        Assert.Equal(model.Bytes, state.Bytes);
        ulong deleted = model.Messages.Count == 0 ? 0 : model.Last - model.First + 1 - (ulong)model.Messages.Count;
        Assert.Equal(deleted, state.NumDeleted);
        Assert.Equal((ulong)model.Messages.Values.Select(m => m.Subject).Distinct().Count(), state.NumSubjects);
        if (model.Messages.Count > 0)
        {
            Assert.Equal(model.Messages.First().Value.Ts, state.FirstTimestampNs);
        }

        ulong from = model.First > 2 ? model.First - 2 : 0;
        for (ulong seq = from; seq <= model.Last + 1; seq++)
        {
            bool expected = model.Messages.TryGetValue(seq, out var m);
            Assert.Equal(expected, store.TryLoad(seq, out var loaded));
            if (expected)
            {
                Assert.Equal(seq, loaded.Sequence);
                Assert.Equal(m.Subject, loaded.Subject);
                Assert.Equal(m.Header, loaded.Header.ToArray());
                Assert.Equal(m.Data, loaded.Data.ToArray());
                Assert.Equal(m.Ts, loaded.TimestampNs);
            }
        }

        foreach (string filter in PropertyFilters)
        {
            var totals = store.SubjectTotals(filter);
            var expectedTotals = model.SubjectTotals(filter);
            Assert.Equal(expectedTotals.OrderBy(p => p.Key, StringComparer.Ordinal), totals.OrderBy(p => p.Key, StringComparer.Ordinal));

            ulong start = (ulong)random.NextInt64(0, (long)model.Last + 2);
            Assert.Equal(model.Next(filter, start), store.TryLoadNext(filter, start, out var next) ? next.Sequence : null);
            Assert.Equal(model.LastOf(filter), store.TryLoadLast(filter, out var last) ? last.Sequence : null);
            Assert.Equal(model.NumPending(start, filter, false), store.NumPending(start, filter, false));
            Assert.Equal(model.NumPending(start, filter, true), store.NumPending(start, filter, true));
        }
    }
}
