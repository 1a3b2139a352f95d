using System.Text;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>
/// The IStreamStore contract, for every implementation: a subclass supplies the store
/// (file, memory). Behaviour follows nats-server 2.9.10's stores where the contract names it.
/// </summary>
public abstract partial class StreamStoreConformanceTests : IDisposable
{
    private readonly List<IDisposable> _stores = [];

    internal abstract IStreamStore CreateStore(StreamStoreLimits? limits = null);

    /// <summary>Reopens the same store (a restart); stores that keep nothing return the same instance.</summary>
    internal virtual IStreamStore Reopen(IStreamStore store) => store;

    internal IStreamStore Track(IStreamStore store)
    {
        _stores.Add(store);
        return store;
    }

    public virtual void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.ASCII.GetString(bytes.Span);

    [Fact]
    public void A_new_store_is_empty_with_first_sequence_one()
    {
        var store = CreateStore();
        var state = store.State;
        Assert.Equal(0UL, state.Messages);
        Assert.Equal(0UL, state.LastSequence);
        Assert.Equal(1UL, state.FirstSequence);
        Assert.False(store.TryLoad(1, out _));
        Assert.False(store.TryLoadNext(">", 1, out _));
        Assert.False(store.TryLoadLast(">", out _));
    }

    [Fact]
    public void Append_assigns_consecutive_sequences_and_load_returns_what_was_stored()
    {
        var store = CreateStore();
        var (seq1, ts1) = store.Append("orders.1", Bytes("NATS/1.0\r\nA: b\r\n\r\n"), Bytes("one"), 1_000);
        var (seq2, ts2) = store.Append("orders.2", default, Bytes("two"));
        Assert.Equal(1UL, seq1);
        Assert.Equal(2UL, seq2);
        Assert.Equal(1_000, ts1);
        Assert.True(ts2 > 0);

        Assert.True(store.TryLoad(1, out var m1));
        Assert.Equal("orders.1", m1.Subject);
        Assert.Equal("NATS/1.0\r\nA: b\r\n\r\n", Text(m1.Header));
        Assert.Equal("one", Text(m1.Data));
        Assert.Equal(1_000, m1.TimestampNs);
        Assert.True(store.TryLoad(2, out var m2));
        Assert.Equal(0, m2.Header.Length);
        Assert.Equal("two", Text(m2.Data));

        var state = store.State;
        Assert.Equal(2UL, state.Messages);
        Assert.Equal(1UL, state.FirstSequence);
        Assert.Equal(2UL, state.LastSequence);
        Assert.Equal(1_000, state.FirstTimestampNs);
        Assert.Equal(ts2, state.LastTimestampNs);
        Assert.Equal(2UL, state.NumSubjects);
        Assert.True(state.Bytes > 0);
    }

    [Fact]
    public void Empty_payloads_and_headers_round_trip()
    {
        var store = CreateStore();
        store.Append("a", default, default);
        Assert.True(store.TryLoad(1, out var m));
        Assert.Equal(0, m.Data.Length);
        Assert.Equal(0, m.Header.Length);
    }

    [Fact]
    public void Removing_an_interior_message_leaves_a_gap_counted_as_deleted()
    {
        var store = CreateStore();
        for (int i = 0; i < 5; i++)
        {
            store.Append("s", default, Bytes($"m{i}"));
        }

        Assert.True(store.Remove(3));
        Assert.False(store.Remove(3));
        Assert.False(store.Remove(99));
        Assert.False(store.TryLoad(3, out _));
        var state = store.State;
        Assert.Equal(4UL, state.Messages);
        Assert.Equal(1UL, state.NumDeleted);
        Assert.Equal(1UL, state.FirstSequence);
        Assert.Equal(5UL, state.LastSequence);
        Assert.True(store.TryLoadNext(">", 3, out var next));
        Assert.Equal(4UL, next.Sequence);
    }

    [Fact]
    public void Removing_the_first_messages_moves_the_first_sequence()
    {
        var store = CreateStore();
        for (int i = 0; i < 4; i++)
        {
            store.Append("s", default, Bytes("x"));
        }

        store.Remove(2);
        store.Remove(1);
        var state = store.State;
        Assert.Equal(3UL, state.FirstSequence);
        Assert.Equal(0UL, state.NumDeleted);
        store.Remove(3);
        store.Remove(4);
        state = store.State;
        Assert.Equal(0UL, state.Messages);
        Assert.Equal(5UL, state.FirstSequence);
        Assert.Equal(4UL, state.LastSequence);
        Assert.Equal(5UL, store.Append("s", default, default).Sequence);
    }

    [Fact]
    public void Erase_removes_the_message()
    {
        var store = CreateStore();
        store.Append("s", default, Bytes("secret"));
        store.Append("s", default, Bytes("other"));
        Assert.True(store.Remove(1, erase: true));
        Assert.False(store.TryLoad(1, out _));
        store = Reopen(store);
        Assert.False(store.TryLoad(1, out _));
        Assert.True(store.TryLoad(2, out var m));
        Assert.Equal("other", Text(m.Data));
    }

    [Fact]
    public void LoadNext_and_LoadLast_follow_filters_with_wildcards()
    {
        var store = CreateStore();
        store.Append("kv.a", default, Bytes("1"));
        store.Append("kv.b", default, Bytes("2"));
        store.Append("other.x", default, Bytes("3"));
        store.Append("kv.a", default, Bytes("4"));
        store.Append("kv.c.deep", default, Bytes("5"));

        Assert.True(store.TryLoadNext("kv.a", 2, out var m));
        Assert.Equal(4UL, m.Sequence);
        Assert.True(store.TryLoadNext("kv.*", 3, out m));
        Assert.Equal(4UL, m.Sequence);
        Assert.True(store.TryLoadNext("kv.>", 5, out m));
        Assert.Equal(5UL, m.Sequence);
        Assert.False(store.TryLoadNext("kv.*", 5, out _));
        Assert.True(store.TryLoadNext("", 1, out m));
        Assert.Equal(1UL, m.Sequence);
        Assert.False(store.TryLoadNext("nope", 1, out _));

        Assert.True(store.TryLoadLast("kv.a", out m));
        Assert.Equal(4UL, m.Sequence);
        Assert.True(store.TryLoadLast("kv.*", out m));
        Assert.Equal(4UL, m.Sequence);
        Assert.True(store.TryLoadLast(">", out m));
        Assert.Equal(5UL, m.Sequence);
        Assert.True(store.TryLoadLast("*.x", out m));
        Assert.Equal(3UL, m.Sequence);
        Assert.False(store.TryLoadLast("kv.zz", out _));

        store.Remove(4);
        Assert.True(store.TryLoadLast("kv.a", out m));
        Assert.Equal(1UL, m.Sequence);
    }

    [Fact]
    public void SubjectTotals_and_NumPending_count_per_filter()
    {
        var store = CreateStore();
        foreach (string subject in new[] { "a.1", "a.2", "a.1", "b.1", "a.1" })
        {
            store.Append(subject, default, Bytes("x"));
        }

        var totals = store.SubjectTotals("a.*");
        Assert.Equal(2, totals.Count);
        Assert.Equal(3UL, totals["a.1"]);
        Assert.Equal(1UL, totals["a.2"]);
        Assert.Equal(3, store.SubjectTotals(">").Count);
        Assert.Equal(1UL, store.SubjectTotals("b.1")["b.1"]);
        Assert.Empty(store.SubjectTotals("c.1"));

        Assert.Equal(5UL, store.NumPending(1, ">", lastPerSubject: false));
        Assert.Equal(3UL, store.NumPending(3, "", lastPerSubject: false));
        Assert.Equal(2UL, store.NumPending(2, "a.1", lastPerSubject: false));
        Assert.Equal(3UL, store.NumPending(1, ">", lastPerSubject: true));
        Assert.Equal(2UL, store.NumPending(4, ">", lastPerSubject: true));
        Assert.Equal(1UL, store.NumPending(3, "a.*", lastPerSubject: true));
        Assert.Equal(0UL, store.NumPending(6, ">", lastPerSubject: false));
    }

    [Fact]
    public void A_full_purge_moves_the_first_sequence_past_the_last()
    {
        var store = CreateStore();
        for (int i = 0; i < 10; i++)
        {
            store.Append("s." + (i % 3), default, Bytes("x"));
        }

        Assert.Equal(10UL, store.Purge());
        var state = store.State;
        Assert.Equal(0UL, state.Messages);
        Assert.Equal(0UL, state.Bytes);
        Assert.Equal(11UL, state.FirstSequence);
        Assert.Equal(10UL, state.LastSequence);
        Assert.Equal(0UL, state.NumSubjects);
        store = Reopen(store);
        Assert.Equal(11UL, store.Append("s", default, default).Sequence);
        Assert.Equal(11UL, store.State.FirstSequence);
    }

    [Fact]
    public void Purge_by_subject_with_keep_and_up_to_sequence()
    {
        var store = CreateStore();
        for (int i = 1; i <= 12; i++)
        {
            store.Append(i % 2 == 0 ? "even" : "odd", default, Bytes("x"));
        }

        Assert.Equal(4UL, store.Purge("even", keep: 2));
        Assert.Equal(2UL, store.SubjectTotals("even")["even"]);
        Assert.Equal(2UL, store.Purge("odd", upToSequence: 5));
        Assert.Equal(4UL, store.SubjectTotals("odd")["odd"]);
        Assert.Equal(5UL, store.State.FirstSequence);

        // Without a subject: everything below the sequence.
        Assert.Equal(3UL, store.Purge(upToSequence: 10));
        Assert.Equal(10UL, store.State.FirstSequence);
        // Keep without a subject: the newest n messages.
        Assert.Equal(1UL, store.Purge(keep: 2));
        Assert.Equal(11UL, store.State.FirstSequence);
        Assert.Equal(2UL, store.State.Messages);
    }

    [Fact]
    public void Max_msgs_removes_the_oldest_and_reports_each_removal()
    {
        var removed = new List<ulong>();
        var store = CreateStore(new StreamStoreLimits(MaxMsgs: 3));
        store.Removed = (seq, _) => removed.Add(seq);
        for (int i = 0; i < 5; i++)
        {
            store.Append("s", default, Bytes("x"));
        }

        var state = store.State;
        Assert.Equal(3UL, state.Messages);
        Assert.Equal(3UL, state.FirstSequence);
        Assert.Equal(new ulong[] { 1, 2 }, removed);
    }

    [Fact]
    public void Max_bytes_keeps_the_total_within_the_limit()
    {
        var store = CreateStore();
        store.Append("s", default, new byte[100]);
        ulong one = store.State.Bytes;
        store.UpdateLimits(new StreamStoreLimits(MaxBytes: (long)(one * 3)));
        for (int i = 0; i < 6; i++)
        {
            store.Append("s", default, new byte[100]);
        }

        var state = store.State;
        Assert.Equal(3UL, state.Messages);
        Assert.Equal(one * 3, state.Bytes);
        Assert.Equal(5UL, state.FirstSequence);
    }

    [Fact]
    public void Max_msgs_per_subject_keeps_the_newest_of_each_subject()
    {
        var store = CreateStore(new StreamStoreLimits(MaxMsgsPerSubject: 2));
        foreach (string subject in new[] { "k.a", "k.b", "k.a", "k.a", "k.b", "k.a" })
        {
            store.Append(subject, default, Bytes("x"));
        }

        var totals = store.SubjectTotals(">");
        Assert.Equal(2UL, totals["k.a"]);
        Assert.Equal(2UL, totals["k.b"]);
        Assert.False(store.TryLoad(1, out _));
        Assert.False(store.TryLoad(3, out _));
        Assert.True(store.TryLoad(4, out _));
        Assert.Equal(2UL, store.State.FirstSequence);

        store.UpdateLimits(new StreamStoreLimits(MaxMsgsPerSubject: 1));
        Assert.True(store.TryLoadLast("k.a", out var last));
        Assert.Equal(6UL, last.Sequence);
        Assert.Equal(2UL, store.State.Messages);
    }

    [Fact]
    public void Max_age_expires_messages_older_than_the_limit()
    {
        var store = CreateStore(new StreamStoreLimits(MaxAge: TimeSpan.FromSeconds(10)));
        long now = FileStreamStore.UnixNowNs();
        long second = 1_000_000_000;
        store.Append("s", default, Bytes("old1"), now - (30 * second));
        store.Append("s", default, Bytes("old2"), now - (20 * second));
        store.Append("s", default, Bytes("new"), now - (5 * second));
        Assert.Equal(2UL, store.ExpireByAge(now));
        Assert.Equal(1UL, store.State.Messages);
        Assert.Equal(3UL, store.State.FirstSequence);
        Assert.Equal(0UL, store.ExpireByAge(now));
        Assert.Equal(1UL, store.ExpireByAge(now + (10 * second)));
        Assert.Equal(0UL, store.State.Messages);
    }

    [Fact]
    public void Shrinking_the_limits_removes_what_no_longer_fits()
    {
        var store = CreateStore();
        for (int i = 0; i < 10; i++)
        {
            store.Append("s", default, Bytes("x"));
        }

        store.UpdateLimits(new StreamStoreLimits(MaxMsgs: 4));
        Assert.Equal(4UL, store.State.Messages);
        Assert.Equal(7UL, store.State.FirstSequence);
        Assert.Equal(4, store.Limits.MaxMsgs);
    }

    [Fact]
    public void SkipTo_moves_the_last_sequence_without_a_message()
    {
        var store = CreateStore();
        store.SkipTo(9);
        var state = store.State;
        Assert.Equal(9UL, state.LastSequence);
        Assert.Equal(10UL, state.FirstSequence);
        Assert.Equal(10UL, store.Append("s", default, default).Sequence);
        store.SkipTo(14);
        Assert.Equal(15UL, store.Append("s", default, default).Sequence);
        state = store.State;
        Assert.Equal(2UL, state.Messages);
        Assert.Equal(4UL, state.NumDeleted);
        store.SkipTo(3);
        Assert.Equal(15UL, store.State.LastSequence);
        store = Reopen(store);
        Assert.Equal(16UL, store.Append("s", default, default).Sequence);
    }

    [Fact]
    public void SkipTo_with_a_timestamp_keeps_it_as_the_last()
    {
        var store = CreateStore();
        store.Append("s", default, default, 1_000);
        store.SkipTo(5, 2_000);
        Assert.Equal(5UL, store.State.LastSequence);
        Assert.Equal(2_000L, store.State.LastTimestampNs);
        store = Reopen(store);
        Assert.Equal(2_000L, store.State.LastTimestampNs);
        Assert.Equal(4UL, store.State.NumDeleted);
    }

    [Fact]
    public void Metadata_round_trips()
    {
        var store = CreateStore();
        Assert.Null(store.ReadMetadata());
        store.WriteMetadata("{\"name\":\"S\"}"u8);
        store.WriteMetadata("{\"name\":\"T\"}"u8);
        Assert.Equal("{\"name\":\"T\"}", Encoding.UTF8.GetString(store.ReadMetadata()!));
        store = Reopen(store);
        Assert.Equal("{\"name\":\"T\"}", Encoding.UTF8.GetString(store.ReadMetadata()!));
    }

    [Fact]
    public void Consumer_state_follows_deliveries_and_acks()
    {
        var store = CreateStore();
        using (var consumer = store.OpenConsumer("C1"))
        {
            consumer.WriteMetadata("{\"durable_name\":\"C1\"}"u8);
            consumer.UpdateDelivered(1, 10, 1, 100);
            consumer.UpdateDelivered(2, 11, 1, 200);
            consumer.UpdateDelivered(3, 12, 1, 300);
            consumer.UpdateDelivered(4, 11, 2, 400);
            consumer.UpdateAcks(1, 10);
            var state = consumer.State;
            Assert.Equal(new SequencePair(4, 12), state.Delivered);
            Assert.Equal(new SequencePair(1, 10), state.AckFloor);
            Assert.Equal(2, state.Pending.Count);
            Assert.Equal(new PendingDelivery(4, 400), state.Pending[11]);
            Assert.Equal(1UL, state.Redelivered[11]);
            consumer.UpdateAcks(4, 11);
            consumer.UpdateAcks(3, 12);
            Assert.Empty(consumer.State.Pending);
            Assert.Empty(consumer.State.Redelivered);
            Assert.Equal(new SequencePair(4, 12), consumer.State.AckFloor);
        }

        Assert.Equal(["C1"], store.ConsumerNames());
        store = Reopen(store);
        using (var consumer = store.OpenConsumer("C1"))
        {
            Assert.Equal(new SequencePair(4, 12), consumer.State.AckFloor);
            Assert.Equal("{\"durable_name\":\"C1\"}", Encoding.UTF8.GetString(consumer.ReadMetadata()!));
        }

        store.DeleteConsumer("C1");
        Assert.Empty(store.ConsumerNames());
    }

    [Fact]
    public void Consumer_ack_all_acknowledges_everything_below()
    {
        var store = CreateStore();
        using var consumer = store.OpenConsumer("C2");
        consumer.AckPolicy = StoreAckPolicy.All;
        for (ulong i = 1; i <= 5; i++)
        {
            consumer.UpdateDelivered(i, i, 1, 0);
        }

        consumer.UpdateAcks(3, 3);
        Assert.Equal(new SequencePair(3, 3), consumer.State.AckFloor);
        Assert.Equal([4UL, 5UL], consumer.State.Pending.Keys.Order());
    }

    [Fact]
    public void Consumer_replace_sets_the_whole_state()
    {
        var store = CreateStore();
        using var consumer = store.OpenConsumer("C3");
        consumer.UpdateDelivered(1, 1, 1, 0);
        var replacement = new ConsumerState { Delivered = new SequencePair(7, 70), AckFloor = new SequencePair(7, 70) };
        consumer.Replace(replacement);
        Assert.Equal(new SequencePair(7, 70), consumer.State.AckFloor);
        Assert.Empty(consumer.State.Pending);
    }
}
