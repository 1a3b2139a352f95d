using NatsSharp.Server.Accounts;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Internal;

/// <summary>Runs on the publisher's read loop, synchronously: copy and queue anything slow.</summary>
internal delegate void InternalMessageHandler(Account account, in InternalMessage message);

/// <summary>
/// One subscription of the server's own (system account requests, JetStream's API and stream
/// capture): a subscriber without a socket whose messages go to a handler instead of a buffer.
/// </summary>
internal sealed class InternalSubscriber : Subscriber
{
    private readonly InternalMessageHandler _handler;

    internal InternalSubscriber(Account account, InternalMessageHandler handler)
        : base(SubscriberKind.Internal)
    {
        Account = account;
        _handler = handler;
    }

    public Account Account { get; }

    /// <summary>Its one subscription (set once, right after construction).</summary>
    public Subscription Subscription { get; internal set; } = null!;

    public override bool TakesHeaders => true;

    /// <summary>Whether its account's stream imports bring it messages (a mirror's or source's deliver subject), as a client's subscription.</summary>
    public bool TakesStreamImports { get; init; }

    public override bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders)
    {
        if (Subscription.Closed)
        {
            return false;
        }

        _handler(Account, new InternalMessage(subject, reply, message[..headerSize], message[headerSize..]));
        return true;
    }
}
