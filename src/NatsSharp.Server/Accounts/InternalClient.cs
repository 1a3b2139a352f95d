using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// The server's own subscriber in an account (nats-server's internal account client): the
/// owner of the subscriptions that imports make. It has no socket: a message for one of its
/// subscriptions is handled by that subscription's <see cref="Subscription.Import"/> binding
/// and never queued here.
/// </summary>
internal sealed class InternalClient : Subscriber
{
    public InternalClient()
        : base(SubscriberKind.Internal)
    {
    }

    public override bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders) => false;
}
