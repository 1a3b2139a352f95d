using System.Text;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Authorization of a client's operations: publish and subscribe permissions, the subscribe
/// deny filter at delivery time, and reply grants for <c>allow_responses</c>.
/// </summary>
internal sealed partial class ClientConnection
{
    private ClientIdentity _identity = ClientIdentity.Anonymous;

    // Read by publishers on other connections at delivery, so swapped whole.
    private volatile CompiledPermissions? _perms;
    private volatile CompiledPermissions? _deliveryFilter;

    // allow_responses: reply subjects this client received, with when and how often it answered.
    private Dictionary<string, ReplyGrant>? _replies;

    /// <summary>
    /// The user name as nats-server keeps it (its <c>opts.Username</c>): the user it logged in as, which is
    /// the <c>no_auth_user</c> or the certificate-mapped user when the CONNECT named none, else what the
    /// CONNECT said. /connz filters <c>user=</c> by it and shows it for closed connections.
    /// </summary>
    public string LoginUser => _identity.User.Length > 0 ? _identity.User : ConnectInfo?.User ?? "";

    /// <summary>/connz?auth=1 <c>authorized_user</c> of an open connection: the nkey, else <see cref="LoginUser"/>.</summary>
    public string AuthorizedUser => _identity.Nkey.Length > 0 ? _identity.Nkey : LoginUser;

    internal ClientIdentity Identity => _identity;

    /// <summary>Takes on a user's identity and permissions (at CONNECT, or again on reload).</summary>
    internal void ApplyIdentity(ClientIdentity identity)
    {
        _identity = identity;
        if (SubscriptionCount == 0)
        {
            // A client lives in its user's account (bound at CONNECT; a reload does not move it).
            _account = _server.FindAccount(identity.Account) ?? _server.GlobalAccount;
            _server.ClientRegistry.AccountChanged(this);
        }

        CompiledPermissions? perms = identity.Permissions;
        _replies = perms?.Response is null ? null : new Dictionary<string, ReplyGrant>(StringComparer.Ordinal);
        _deliveryFilter = null;
        _perms = perms;
        if (perms?.DeliveryDeny is not null)
        {
            foreach (var sub in SubscriptionsSnapshot())
            {
                if (perms.NeedsDeliveryCheck(Encoding.UTF8.GetString(sub.Subject)))
                {
                    _deliveryFilter = perms;
                    break;
                }
            }
        }
    }

    /// <summary>Publish check; on refusal sends nats-server's -ERR and logs the violation.</summary>
    private bool PublishAllowed(ReadOnlySpan<byte> subject)
    {
        CompiledPermissions? perms = _perms;
        if (perms is null || !perms.ChecksPublish || perms.CanPublish(subject) || ReplyGranted(perms, subject))
        {
            return true;
        }

        string s = Encoding.UTF8.GetString(subject);
        SendErr($"Permissions Violation for Publish to {Logging.GoQuote.Quote(subject)}"); // Go's %q, as nats-server
        _log.Error(Prefix + $"Publish Violation - {_identity.LogName}, Subject \"{s}\"");
        return false;
    }

    /// <summary>Subscribe check (queue-aware); on refusal sends nats-server's -ERR and logs the violation.</summary>
    private bool SubscribeAllowed(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid)
    {
        CompiledPermissions? perms = _perms;
        if (perms is null)
        {
            return true;
        }

        if (perms.CanSubscribe(subject, queue))
        {
            if (_deliveryFilter is null && perms.NeedsDeliveryCheck(Encoding.UTF8.GetString(subject)))
            {
                // A wildcard covering a denied subject: deliveries to this client get filtered from now on.
                _deliveryFilter = perms;
            }

            return true;
        }

        string s = Encoding.UTF8.GetString(subject);
        string id = Encoding.UTF8.GetString(sid);
        if (queue.IsEmpty)
        {
            SendErr($"Permissions Violation for Subscription to {Logging.GoQuote.Quote(subject)}");
            _log.Error(Prefix + $"Subscription Violation - {_identity.LogName}, Subject \"{s}\", SID {id}");
        }
        else
        {
            string q = Encoding.UTF8.GetString(queue);
            SendErr($"Permissions Violation for Subscription to {Logging.GoQuote.Quote(subject)} using queue {Logging.GoQuote.Quote(queue)}");
            _log.Error(Prefix + $"Subscription Violation - {_identity.LogName}, Subject \"{s}\", Queue: \"{q}\", SID {id}");
        }

        return false;
    }

    /// <summary>At delivery (on the publisher's thread): false if this client's subscribe deny list covers the subject.</summary>
    internal override bool MayReceive(ReadOnlySpan<byte> subject)
    {
        CompiledPermissions? filter = _deliveryFilter;
        return filter is null || !filter.IsDeliveryDenied(subject);
    }

    /// <summary>At delivery of a request to this client: remember its reply subject for allow_responses.</summary>
    private void GrantReply(ReadOnlySpan<byte> reply)
    {
        Dictionary<string, ReplyGrant>? replies = _replies;
        if (replies is null || reply.IsEmpty)
        {
            return;
        }

        string key = Encoding.UTF8.GetString(reply);
        lock (replies)
        {
            replies[key] = new ReplyGrant(DateTime.UtcNow);
            if (replies.Count > MaxReplyGrants)
            {
                PruneReplies(replies);
            }
        }
    }

    /// <summary>Bounds the grants a client that never answers can pile up (nats-server's replyPermLimit).</summary>
    private const int MaxReplyGrants = 4096;

    private bool ReplyGranted(CompiledPermissions perms, ReadOnlySpan<byte> subject)
    {
        Dictionary<string, ReplyGrant>? replies = _replies;
        ResponsePermission? rp = perms.Response;
        if (replies is null || rp is null)
        {
            return false;
        }

        string key = Encoding.UTF8.GetString(subject);
        lock (replies)
        {
            if (!replies.TryGetValue(key, out ReplyGrant? grant))
            {
                return false;
            }

            grant.Count++;
            if ((rp.MaxMsgs > 0 && grant.Count > rp.MaxMsgs) || (rp.Expires > TimeSpan.Zero && DateTime.UtcNow - grant.Granted > rp.Expires))
            {
                replies.Remove(key);
                return false;
            }

            return true;
        }
    }

    private static void PruneReplies(Dictionary<string, ReplyGrant> replies)
    {
        // Drop the older half; a reply that old has almost certainly been answered or abandoned.
        DateTime cutoff = replies.Values.Select(g => g.Granted).Order().ElementAt(replies.Count / 2);
        foreach (var (key, grant) in replies.ToArray())
        {
            if (grant.Granted < cutoff)
            {
                replies.Remove(key);
            }
        }
    }

    private sealed class ReplyGrant(DateTime granted)
    {
        public DateTime Granted { get; } = granted;

        public int Count { get; set; }
    }
}
