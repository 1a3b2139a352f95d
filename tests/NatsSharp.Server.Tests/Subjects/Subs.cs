using System.Text;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Tests.Subjects;

/// <summary>Creates subscriptions for Sublist tests; they all belong to one test connection.</summary>
internal static class Subs
{
    private static int _nextSid;

    public static Connection Owner { get; } = Connection.CreateTestDouble();

    public static Subscription Make(string subject, string? queue = null) =>
        new(
            Owner,
            Encoding.UTF8.GetBytes(subject),
            queue is null ? null : Encoding.UTF8.GetBytes(queue),
            Encoding.ASCII.GetBytes(Interlocked.Increment(ref _nextSid).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Every subscription in a result, plain and queued.</summary>
    public static IEnumerable<Subscription> AllOf(SublistResult result) =>
        result.Plain.Concat(result.Queues.SelectMany(q => q));
}
