using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Auth;

/// <summary>
/// The owner of the entries in a permission Sublist: permissions reuse the subject trie
/// (and its allocation-free match cache) but nothing is ever delivered to them.
/// </summary>
internal sealed class PermissionOwner : Connection
{
    public static readonly PermissionOwner Instance = new();

    private PermissionOwner()
        : base(0, null, null, long.MaxValue, TimeSpan.Zero)
    {
    }

    protected override void OnClosed(ClosedReason reason)
    {
    }
}
