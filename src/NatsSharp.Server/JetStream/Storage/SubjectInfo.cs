namespace NatsSharp.Server.JetStream.Storage;

/// <summary>Per-subject counts for last-per-subject, SubjectTotals and max_msgs_per_subject.</summary>
internal sealed class SubjectInfo(string subject)
{
    public string Subject { get; } = subject;

    public ulong Count { get; set; }

    public ulong First { get; set; }

    public ulong Last { get; set; }
}
