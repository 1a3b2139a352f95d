using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// The owner of the subscriptions an account's service imports make (nats-server's internal
/// account client). It has no socket: messages for its subscriptions are handled by their
/// <see cref="Subjects.Subscription.Import"/> binding and never queued here.
/// </summary>
internal sealed class InternalClient : Connection
{
    public InternalClient()
        : base(0, null, null, long.MaxValue, TimeSpan.FromSeconds(10))
    {
    }

    protected override void OnClosed(ClosedReason reason)
    {
    }
}
