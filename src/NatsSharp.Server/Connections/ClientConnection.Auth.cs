using System.Security.Cryptography;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>Authentication: the nkey nonce, the CONNECT check, no_auth_user, certificate names for verify_and_map.</summary>
internal sealed partial class ClientConnection
{
    // no_auth_user: until a CONNECT says otherwise the client acts as that user, and its first
    // operation of any kind counts as the handshake (stopping the auth timer).
    private bool _awaitingFirstOp;

    /// <summary>The nonce sent in INFO for nkey users to sign (null when none is needed).</summary>
    internal string? Nonce { get; private set; }

    /// <summary>Names from the client's TLS certificate (e-mails, DNS names, subject), for verify_and_map.</summary>
    internal IReadOnlyList<string>? CertificateNames { get; set; }

    private void BindNoAuthUserUntilConnect()
    {
        Authenticator auth = Auth;
        if (auth.NonceRequired)
        {
            // 11 random bytes as raw URL-safe base64, like nats-server's 15-character nonce.
            Nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(11)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        if (auth.Required && auth.NoAuthIdentity is { } identity && identity.Allows(ConnectionType))
        {
            ApplyIdentity(identity);
            _parser.RequireConnect = false;
            _awaitingFirstOp = true;
        }
    }

    private void OnFirstOpWithoutConnect()
    {
        _awaitingFirstOp = false;
        if (!_connectReceived && !IsClosing && RegisterWithAccount())
        {
            _connectReceived = true;
            OnConnectAccepted();
            _server.OnClientConnected(this);
        }
    }

    private ClientIdentity? Authenticate(ConnectOptions connect)
    {
        _awaitingFirstOp = false;
        return Auth.Authenticate(connect, Nonce, CertificateNames, ConnectionType);
    }

    /// <summary>
    /// After a reload (on the reloading thread): check the client again with the CONNECT it sent;
    /// close it if it fails, else apply the new permissions and drop subscriptions they refuse.
    /// </summary>
    internal void Reauthorize(Authenticator auth)
    {
        if (IsClosing || !_connectReceived)
        {
            return; // not authenticated yet: its CONNECT will meet the new rules
        }

        ClientIdentity? identity = auth.Authenticate(ConnectInfo ?? new ConnectOptions(), Nonce, CertificateNames, ConnectionType);
        if (identity is null)
        {
            _log.Error(Prefix + auth.DescribeFailure(ConnectInfo ?? new ConnectOptions()));
            SendErrAndCloseFromTimer("Authorization Violation", ClosedReason.AuthenticationFailure);
            return;
        }

        if (identity.Account != _account.Name)
        {
            // Its subscriptions live in the old account's subject space: it reconnects into the new one.
            _log.Error(Prefix + $"Account changed from \"{_account.Name}\" to \"{identity.Account}\" on reload");
            SendErrAndCloseFromTimer("Authorization Violation", ClosedReason.AuthenticationFailure);
            return;
        }

        ApplyIdentity(identity);
        CompiledPermissions? perms = identity.Permissions;
        if (perms is null)
        {
            return;
        }

        foreach (var sub in SubscriptionsSnapshot())
        {
            bool plain = perms.CanSubscribe(sub.Subject, default);
            bool queue = sub.Queue is not null && perms.CanSubscribe(sub.Subject, sub.Queue);
            if (plain || queue)
            {
                continue;
            }

            RemoveSubscription(sub);
            string subject = System.Text.Encoding.UTF8.GetString(sub.Subject);
            string sid = System.Text.Encoding.UTF8.GetString(sub.Sid);
            if (EnqueueProtocol(System.Text.Encoding.UTF8.GetBytes($"-ERR 'Permissions Violation for Subscription to \"{subject}\" (sid \"{sid}\")'\r\n")))
            {
                SignalFlush();
            }

            _log.Notice($"Removed sub \"{subject}\" (sid \"{sid}\") for {identity.LogName} - not authorized");
        }
    }
}
