namespace NatsSharp.Fuzz;

/// <summary>What one server did with one stream: its replies (ending in how the connection ended) and what the observer got.</summary>
public sealed record Outcome(IReadOnlyList<string> Replies, IReadOnlyList<string> Observed)
{
    public bool SameAs(Outcome other) => Replies.SequenceEqual(other.Replies) && Observed.SequenceEqual(other.Observed);

    public string Describe() =>
        "    replies:  " + string.Join("\n              ", Replies) + "\n    observer: " + string.Join("\n              ", Observed);
}
