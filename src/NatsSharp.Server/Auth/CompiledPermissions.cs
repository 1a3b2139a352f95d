using System.Text;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Auth;

/// <summary>
/// A user's <see cref="Permissions"/> as subject tries, built once per user and shared by all
/// of its connections. Each trie has the Sublist's match cache, so a check on a subject seen
/// before costs a hash and a compare and allocates nothing.
/// </summary>
internal sealed class CompiledPermissions
{
    private readonly Sublist? _pubAllow;
    private readonly Sublist? _pubDeny;
    private readonly Sublist? _subAllow;
    private readonly Sublist? _subDeny;
    private readonly string[] _subDenyPatterns;

    public CompiledPermissions(Permissions permissions)
    {
        Source = permissions;
        if (permissions.Publish is { } pub)
        {
            _pubAllow = pub.Allow is null ? null : Build(pub.Allow, queues: false);
            _pubDeny = pub.Deny is { Count: > 0 } ? Build(pub.Deny, queues: false) : null;
        }

        // allow_responses turns the blanket publish allow off (nats-server's validateResponsePermissions).
        if (permissions.Response is not null && _pubAllow is null)
        {
            _pubAllow = new Sublist();
        }

        if (permissions.Subscribe is { } sub)
        {
            _subAllow = sub.Allow is { Count: > 0 } ? Build(sub.Allow, queues: true) : null;
            _subDeny = sub.Deny is { Count: > 0 } ? Build(sub.Deny, queues: true) : null;
        }

        // Queue-qualified deny entries never match a delivered subject, so the filter holds plain ones only.
        _subDenyPatterns = permissions.Subscribe?.Deny?.Where(d => SplitSubjectQueue(d).Queue is null).ToArray() ?? [];
        DeliveryDeny = _subDenyPatterns.Length > 0 ? Build(_subDenyPatterns, queues: false) : null;
        Response = permissions.Response;
    }

    public Permissions Source { get; }

    public ResponsePermission? Response { get; }

    public bool ChecksPublish => _pubAllow is not null || _pubDeny is not null;

    /// <summary>
    /// The subscribe deny list as plain subjects: a wildcard subscription that covers a denied
    /// subject is allowed, so deliveries to it are filtered against this (nats-server's mperms).
    /// </summary>
    public Sublist? DeliveryDeny { get; }

    /// <summary>Publish allow and deny only; replies granted by allow_responses are the connection's business.</summary>
    public bool CanPublish(ReadOnlySpan<byte> subject)
    {
        if (_pubAllow is not null && _pubAllow.Match(subject).Plain.Length == 0)
        {
            return false;
        }

        return _pubDeny is null || _pubDeny.Match(subject).Plain.Length == 0;
    }

    public bool CanSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue)
    {
        bool allowed = true;
        if (_subAllow is not null)
        {
            SublistResult r = _subAllow.Match(subject);
            allowed = r.Plain.Length > 0;
            if (!queue.IsEmpty && r.Queues.Length > 0)
            {
                // A queue named in the allow list grants the queue subscription.
                allowed = QueueMatches(queue, r.Queues);
            }
        }

        if (allowed && _subDeny is not null)
        {
            SublistResult r = _subDeny.Match(subject);
            allowed = r.Plain.Length == 0;
            if (!queue.IsEmpty && r.Queues.Length > 0)
            {
                allowed = !QueueMatches(queue, r.Queues);
            }
        }

        return allowed;
    }

    /// <summary>Whether a wildcard subscription reaches into the deny list, so its deliveries need checking.</summary>
    public bool NeedsDeliveryCheck(string subscriptionSubject)
    {
        if (DeliveryDeny is null || !SubjectSubset.HasWildcard(subscriptionSubject))
        {
            return false;
        }

        foreach (string deny in _subDenyPatterns)
        {
            if (SubjectSubset.IsSubset(deny, subscriptionSubject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True if a delivery of <paramref name="subject"/> must be dropped (it matches the subscribe deny list).</summary>
    public bool IsDeliveryDenied(ReadOnlySpan<byte> subject) => DeliveryDeny is not null && DeliveryDeny.Match(subject).Plain.Length > 0;

    private static bool QueueMatches(ReadOnlySpan<byte> queue, Subscription[][] groups)
    {
        string? q = null;
        foreach (Subscription[] group in groups)
        {
            byte[] name = group[0].Queue!;
            if (queue.SequenceEqual(name))
            {
                return true;
            }

            // '*' and '>' are valid in queue names; a wildcard entry covers the queues it matches.
            string pattern = Encoding.UTF8.GetString(name);
            if (SubjectSubset.HasWildcard(pattern) && SubjectSubset.IsSubset(q ??= Encoding.UTF8.GetString(queue), pattern))
            {
                return true;
            }
        }

        return false;
    }

    private static Sublist Build(IReadOnlyList<string> entries, bool queues)
    {
        var list = new Sublist();
        int n = 0;
        foreach (string entry in entries)
        {
            (string subject, string? queue) = queues ? SplitSubjectQueue(entry) : (entry, null);
            byte[] sid = Encoding.ASCII.GetBytes((n++).ToString(System.Globalization.CultureInfo.InvariantCulture));
            list.Insert(new Subscription(PermissionOwner.Instance, Encoding.UTF8.GetBytes(subject), queue is null ? null : Encoding.UTF8.GetBytes(queue), sid));
        }

        return list;
    }

    /// <summary>"subject" or "subject queue" (nats-server's splitSubjectQueue).</summary>
    internal static (string Subject, string? Queue) SplitSubjectQueue(string entry)
    {
        string[] parts = entry.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            1 => (parts[0], null),
            2 => (parts[0], parts[1]),
            _ => (entry, null),
        };
    }
}
