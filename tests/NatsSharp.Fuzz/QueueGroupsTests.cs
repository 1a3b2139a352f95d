using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// The comparison of deliveries to queue groups (<see cref="QueueGroups"/>): a random pick among
/// members on the stream's own connection is no divergence; a message delivered twice, or to a sid
/// outside the group, still is.
/// </summary>
public sealed class QueueGroupsTests
{
    private static readonly string[] Observed = ["MSG foo 1 bar 1 |n|"];

    [Fact]
    public void Seed_403945_a_pick_between_two_members_was_a_divergence_and_is_none_now()
    {
        FuzzStream stream = StreamGenerator.Create(403945, FuzzProfile.Default, FuzzPort.Client);
        string text = Encoding.Latin1.GetString(stream.Bytes);
        Assert.Contains("SUB foo bar \t99999999999999999999PING\nSUB foo bar 99999999999999999999\r\n", text, StringComparison.Ordinal);

        // What each server answered in the run (the pick differs; the player's PING completes no line here).
        string[] ours = ["INFO", "+OK", "+OK", "+OK", "+OK", "MSG foo 99999999999999999999 bar 1 |n|", "PONG", Player.Closed];
        string[] reference = ["INFO", "+OK", "+OK", "+OK", "+OK", "MSG foo 99999999999999999999PING bar 1 |n|", "PONG", Player.Closed];
        Assert.False(new Outcome(ours, Observed).SameAs(new Outcome(reference, Observed)));

        QueueGroups groups = QueueGroups.Of(stream);
        Assert.Equal(groups.GroupOf["99999999999999999999"], groups.GroupOf["99999999999999999999PING"]);
        Assert.True(new Outcome(groups.Normalize(ours), Observed).SameAs(new Outcome(groups.Normalize(reference), Observed)));
    }

    [Fact]
    public void A_double_delivery_to_a_queue_group_still_diverges()
    {
        QueueGroups groups = Groups("SUB foo q1 1\r\nSUB foo q1 2\r\nPUB foo 1\r\nx\r\n");
        string[] ours = ["MSG foo 1 1 |x|", "MSG foo 2 1 |x|", Player.Closed];
        string[] reference = ["MSG foo 2 1 |x|", Player.Closed];
        Assert.False(Same(groups, ours, reference));
        Assert.True(Same(groups, ["MSG foo 1 1 |x|", Player.Closed], reference));
    }

    [Fact]
    public void A_delivery_to_a_sid_outside_the_group_still_diverges()
    {
        // Same queue name on another subject, and a plain subscriber: both are other groups.
        QueueGroups groups = Groups("SUB foo q1 1\r\nSUB foo q1 2\r\nSUB foo.* q1 3\r\nSUB foo 4\r\nHPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n");
        string[] reference = ["HMSG foo 1 12 12 |NATS/1.0\\r\\n\\r\\n|", Player.Closed];
        Assert.True(Same(groups, ["HMSG foo 2 12 12 |NATS/1.0\\r\\n\\r\\n|", Player.Closed], reference));
        Assert.False(Same(groups, ["HMSG foo 3 12 12 |NATS/1.0\\r\\n\\r\\n|", Player.Closed], reference));
        Assert.False(Same(groups, ["HMSG foo 4 12 12 |NATS/1.0\\r\\n\\r\\n|", Player.Closed], reference));
    }

    public static TheoryData<string, string> NotCertainMembers => new()
    {
        { "a member unsubscribed", "SUB foo q1 1\r\nSUB foo q1 2\r\nUNSUB 2 1\r\n" },
        { "a sid used again on another subject", "SUB bar q1 2\r\nSUB foo q1 1\r\nSUB foo q1 2\r\n" },
        { "a sid used again without a queue", "SUB foo q1 1\r\nSUB foo q1 2\r\nSUB foo 2\r\n" },
        { "a CR among the arguments", "SUB foo q1 1\r\nSUB foo q1\r2\r\n" },
        { "the arguments after an LF", "SUB foo q1 1\r\nSUB \nfoo q1 2\r\n" },
        { "beyond max_subscriptions", "SUB a 5\r\nSUB b 6\r\nSUB c 7\r\nSUB foo q1 1\r\nSUB foo q1 2\r\n" },
    };

    [Theory]
    [MemberData(nameof(NotCertainMembers))]
    public void Sids_a_server_may_not_have_in_the_group_are_not_grouped(string name, string stream)
    {
        QueueGroups groups = QueueGroups.Of(Encoding.Latin1.GetBytes(stream), FuzzProfile.Limits.MaxSubscriptions);
        Assert.False(groups.GroupOf.ContainsKey("2"), name);
        Assert.False(Same(groups, ["MSG foo 1 0 ||"], ["MSG foo 2 0 ||"]), name);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("token")]
    public async Task Seed_403945_agrees_on_both_servers(string profile)
    {
        // Each play picks at random: before the queue comparison about one in two differed.
        FuzzStream stream = StreamGenerator.Create(403945, FuzzProfile.ByName(profile), FuzzPort.Client);
        await using DifferentialFuzzer fuzzer = await DifferentialFuzzer.StartAsync(stream.Profile);
        for (int i = 0; i < 6; i++)
        {
            Divergence? divergence = await fuzzer.CompareAsync(stream);
            Assert.True(divergence is null, divergence?.Describe());
        }
    }

    private static QueueGroups Groups(string stream) => QueueGroups.Of(Encoding.Latin1.GetBytes(stream), 0);

    private static bool Same(QueueGroups groups, string[] ours, string[] reference) =>
        groups.Normalize(ours).SequenceEqual(groups.Normalize(reference));
}
