namespace NatsSharp.Fuzz;

/// <summary>
/// The comparison of one publish's frames to several subscriptions of the stream's connection
/// (<see cref="SamePublish"/>): their order is not compared, the order of different publishes and
/// the count per sid still are.
/// </summary>
public sealed class SamePublishTests
{
    private static readonly string[] Observed = ["MSG foo 1 |x|"];

    [Fact]
    public void Seed_849580_one_publish_to_two_sids_in_either_order_is_the_same()
    {
        // The shape of 849580 (`limits`): `*` (sid 1) and `>` (sid 2) on one connection, a PUB to foo.
        string[] ours = ["INFO", "MSG foo 1 1 |x|", "MSG foo 2 1 |x|", "PONG", Player.Closed];
        string[] reference = ["INFO", "MSG foo 2 1 |x|", "MSG foo 1 1 |x|", "PONG", Player.Closed];
        Assert.False(new Outcome(ours, Observed).SameAs(new Outcome(reference, Observed)));
        Assert.True(Same(ours, reference));
    }

    [Fact]
    public void Headers_and_reply_subjects_are_part_of_the_publish()
    {
        Assert.True(Same(
            ["HMSG foo 3 r.1 12 13 |NATS/1.0\\r\\n\\r\\nx|", "HMSG foo 1 r.1 12 13 |NATS/1.0\\r\\n\\r\\nx|", "HMSG foo 2 r.1 12 13 |NATS/1.0\\r\\n\\r\\nx|"],
            ["HMSG foo 1 r.1 12 13 |NATS/1.0\\r\\n\\r\\nx|", "HMSG foo 2 r.1 12 13 |NATS/1.0\\r\\n\\r\\nx|", "HMSG foo 3 r.1 12 13 |NATS/1.0\\r\\n\\r\\nx|"]));
        Assert.False(Same(["MSG foo 1 r.1 1 |x|", "MSG foo 2 r.2 1 |x|"], ["MSG foo 2 r.2 1 |x|", "MSG foo 1 r.1 1 |x|"]));
    }

    [Fact]
    public void Different_publishes_in_another_order_still_diverge()
    {
        // Another payload, another subject: two publishes, whose order is the connection's.
        Assert.False(Same(["MSG foo 1 1 |x|", "MSG foo 2 1 |y|"], ["MSG foo 2 1 |y|", "MSG foo 1 1 |x|"]));
        Assert.False(Same(["MSG foo 1 1 |x|", "MSG bar 2 1 |x|"], ["MSG bar 2 1 |x|", "MSG foo 1 1 |x|"]));

        // The same publish twice with a reply between: two runs, each compared on its own.
        Assert.False(Same(
            ["MSG foo 1 1 |x|", "PONG", "MSG foo 1 1 |x|", "MSG foo 2 1 |x|"],
            ["MSG foo 1 1 |x|", "MSG foo 2 1 |x|", "PONG", "MSG foo 1 1 |x|"]));
        Assert.True(Same(
            ["MSG foo 2 1 |x|", "MSG foo 1 1 |x|", "PONG", "MSG foo 1 1 |x|"],
            ["MSG foo 1 1 |x|", "MSG foo 2 1 |x|", "PONG", "MSG foo 1 1 |x|"]));
    }

    [Fact]
    public void A_double_delivery_or_another_sid_still_diverges()
    {
        string[] reference = ["MSG foo 2 1 |x|", "MSG foo 1 1 |x|"];
        Assert.False(Same(["MSG foo 1 1 |x|", "MSG foo 1 1 |x|"], reference));
        Assert.False(Same(["MSG foo 1 1 |x|", "MSG foo 2 1 |x|", "MSG foo 2 1 |x|"], reference));
        Assert.False(Same(["MSG foo 1 1 |x|", "MSG foo 3 1 |x|"], reference));
    }

    [Fact]
    public void Queue_group_names_are_sorted_as_sids()
    {
        // QueueGroups runs first: a group's name stands for its member's sid.
        QueueGroups groups = QueueGroups.Of("SUB foo q1 1\r\nSUB foo q1 2\r\nSUB > 3\r\nPUB foo 1\r\nx\r\n"u8.ToArray(), 0);
        string[] ours = ["MSG foo 3 1 |x|", "MSG foo 1 1 |x|"];
        string[] reference = ["MSG foo 2 1 |x|", "MSG foo 3 1 |x|"];
        Assert.True(SamePublish.Normalize(groups.Normalize(ours)).SequenceEqual(SamePublish.Normalize(groups.Normalize(reference))));
    }

    private static bool Same(string[] ours, string[] reference) =>
        new Outcome(SamePublish.Normalize(ours), Observed).SameAs(new Outcome(SamePublish.Normalize(reference), Observed));
}
