using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Auth;

/// <summary>
/// The owner of the entries in a permission Sublist: permissions reuse the subject trie
/// (and its allocation-free match cache) but nothing is ever delivered to them.
/// </summary>
internal sealed class PermissionOwner : Subscriber
{
    public static readonly PermissionOwner Instance = new();

    private PermissionOwner()
        : base(SubscriberKind.Internal)
    {
    }

    public override bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders) => false;
}
