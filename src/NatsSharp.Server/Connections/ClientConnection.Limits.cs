using NatsSharp.Server.Auth;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Account limits (<c>accounts { A: { limits { } } }</c>) as nats-server 2.9.10 applies them when a client
/// registers with its account at CONNECT: max_connections per account, max_subscriptions and max_payload
/// per client (the server's own values win when lower).
/// </summary>
internal sealed partial class ClientConnection
{
    private Account? _registeredAccount;
    private int _maxSubscriptions = AccountLimits.NoLimit;

    /// <summary>The largest payload this client may publish; INFO advertises it.</summary>
    internal int MaxPayload => _parser.MaxPayload;

    /// <summary>Counts the client in its account; false (and closing) when the account's max_connections is reached.</summary>
    private bool RegisterWithAccount()
    {
        Account account = _account;
        if (_registeredAccount == account)
        {
            return true;
        }

        _registeredAccount?.RemoveClient();
        _registeredAccount = null;
        ApplyAccountLimits(_server.Options, log: true);
        if (!account.TryAddClient())
        {
            _log.Error(Prefix + "maximum account active connections exceeded");
            SendErrAndClose("maximum account active connections exceeded", ClosedReason.MaxAccountConnectionsExceeded);
            return false;
        }

        _registeredAccount = account;
        if (_maxSubscriptions == 0)
        {
            // nats-server does this from a goroutine, so the reply to what came with CONNECT usually goes first.
            ThreadPool.QueueUserWorkItem(static c => c.CloseFromServer("maximum subscriptions exceeded", ClosedReason.MaxSubscriptionsExceeded, "maximum subscriptions exceeded"), this, preferLocal: false);
        }

        return true;
    }

    private void UnregisterFromAccount()
    {
        _registeredAccount?.RemoveClient();
        _registeredAccount = null;
    }

    /// <summary>The smaller of the account's and the server's max_payload and max_subscriptions (-1 / 0 = none).</summary>
    private void ApplyAccountLimits(ServerOptions options, bool log)
    {
        AccountLimits limits = _account.Limits;
        int payload = options.MaxPayload;
        if (limits.MaxPayload != AccountLimits.NoLimit)
        {
            if (limits.MaxPayload <= payload)
            {
                payload = limits.MaxPayload;
            }
            else if (log)
            {
                _log.Error(Prefix + $"Max Payload set to {options.MaxPayload} from server overrides account or user config");
            }
        }

        int subs = options.MaxSubscriptions > 0 ? options.MaxSubscriptions : AccountLimits.NoLimit;
        if (limits.MaxSubscriptions != AccountLimits.NoLimit)
        {
            if (subs == AccountLimits.NoLimit || limits.MaxSubscriptions <= subs)
            {
                subs = limits.MaxSubscriptions;
            }
            else if (log)
            {
                _log.Error(Prefix + $"Max Subscriptions set to {options.MaxSubscriptions} from server overrides account or user config");
            }
        }

        _parser.MaxPayload = payload;
        _maxSubscriptions = subs;
    }
}
