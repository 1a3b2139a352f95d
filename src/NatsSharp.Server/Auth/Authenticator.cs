using System.Text;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Auth;

/// <summary>
/// Decides who a client is from its CONNECT, in nats-server's order: nkey users, then users
/// (mapped from a TLS certificate, or by name, with <c>no_auth_user</c> for clients without
/// credentials), then the single token or user. Built from <see cref="ServerOptions"/> alone and
/// immutable, so a reload can build a new one and swap it in.
/// </summary>
internal sealed class Authenticator
{
    private readonly Dictionary<string, (User User, ClientIdentity Identity)> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClientIdentity> _nkeys = new(StringComparer.Ordinal);
    private readonly string _singleUser;
    private readonly string _singlePassword;
    private readonly string _token;
    private readonly string _noAuthUser;

    public Authenticator(ServerOptions options)
    {
        _singleUser = options.Username;
        _singlePassword = options.Password;
        _token = options.AuthToken;
        _noAuthUser = options.NoAuthUser;
        foreach (var (user, account) in options.AllUsers())
        {
            var identity = new ClientIdentity(user.Username, "", Compile(user.Permissions), account, user.AllowedConnectionTypes);
            _users[user.Username] = (user, identity);
        }

        foreach (var (user, account) in options.AllNkeyUsers())
        {
            _nkeys[user.PublicKey] = new ClientIdentity("", user.PublicKey, Compile(user.Permissions), account, user.AllowedConnectionTypes);
        }

        ValidateOptions(options);
        MapUsersFromCertificate = options.TlsMap;
    }

    public bool Required => _singleUser.Length > 0 || _token.Length > 0 || _users.Count > 0 || _nkeys.Count > 0;

    /// <summary>nkey users sign a nonce the server puts in INFO.</summary>
    public bool NonceRequired => _nkeys.Count > 0;

    /// <summary><c>verify_and_map</c>: the user comes from the client certificate, not from CONNECT.</summary>
    public bool MapUsersFromCertificate { get; }

    /// <summary>The identity a client gets before (or without) a CONNECT with credentials, if no_auth_user is set.</summary>
    public ClientIdentity? NoAuthIdentity =>
        _noAuthUser.Length > 0 && _users.TryGetValue(_noAuthUser, out var entry) ? entry.Identity : null;

    /// <summary>The client's identity, or null if it must be refused.</summary>
    /// <summary>
    /// Who the CONNECT authenticates as, or null. <paramref name="connectionType"/> is what is connecting
    /// (a client, a leaf…): a user whose <c>allowed_connection_types</c> leave it out is refused.
    /// </summary>
    public ClientIdentity? Authenticate(ConnectOptions connect, string? nonce, IReadOnlyList<string>? certificateNames, string connectionType = ConnectionTypes.Standard) =>
        Identify(connect, nonce, certificateNames) is { } identity && identity.Allows(connectionType) ? identity : null;

    private ClientIdentity? Identify(ConnectOptions connect, string? nonce, IReadOnlyList<string>? certificateNames)
    {
        if (!Required)
        {
            return ClientIdentity.Anonymous;
        }

        if (_nkeys.Count > 0 && !string.IsNullOrEmpty(connect.Nkey))
        {
            return _nkeys.TryGetValue(connect.Nkey, out ClientIdentity? nkeyUser) && SignatureValid(connect, nonce) ? nkeyUser : null;
        }

        if (_users.Count > 0)
        {
            if (MapUsersFromCertificate)
            {
                return MapFromCertificate(certificateNames);
            }

            string user = connect.User ?? "";
            string pass = connect.Pass ?? "";
            if (_noAuthUser.Length > 0 && user.Length == 0 && pass.Length == 0 && string.IsNullOrEmpty(connect.AuthToken))
            {
                return NoAuthIdentity;
            }

            if (user.Length > 0)
            {
                return _users.TryGetValue(user, out var entry) && SecretCompare.PasswordMatches(entry.User.Password, pass) ? entry.Identity : null;
            }
        }

        if (_token.Length > 0)
        {
            return SecretCompare.PasswordMatches(_token, connect.AuthToken ?? "") ? ClientIdentity.Anonymous : null;
        }

        if (_singleUser.Length > 0)
        {
            bool ok = SecretCompare.SameText(connect.User ?? "", _singleUser) & SecretCompare.PasswordMatches(_singlePassword, connect.Pass ?? "");
            return ok ? new ClientIdentity(_singleUser, "", null) : null;
        }

        return null;
    }

    /// <summary>The error nats-server logs for a refused client (authViolation), naming the nkey or user tried.</summary>
    public string DescribeFailure(ConnectOptions connect) =>
        _nkeys.Count > 0 ? $"authentication error - Nkey \"{connect.Nkey}\""
        : _users.Count > 0 ? $"authentication error - User \"{connect.User}\""
        : "authentication error";

    /// <summary>nats-server's comparePasswords: a bcrypt hash is checked as such, anything else compared as text.</summary>

    private ClientIdentity? MapFromCertificate(IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return null;
        }

        foreach (string name in names)
        {
            if (_users.TryGetValue(name, out var entry))
            {
                return entry.Identity;
            }
        }

        return null;
    }

    private static bool SignatureValid(ConnectOptions connect, string? nonce)
    {
        if (string.IsNullOrEmpty(connect.Sig) || nonce is null)
        {
            return false;
        }

        byte[]? sig = DecodeBase64(connect.Sig);
        return sig is not null && Nkeys.Verify(connect.Nkey!, Encoding.ASCII.GetBytes(nonce), sig);
    }

    /// <summary>Raw URL-safe base64 first, then standard base64, as nats-server accepts.</summary>
    private static byte[]? DecodeBase64(string text)
    {
        string s = text.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static CompiledPermissions? Compile(Permissions? permissions) => permissions is null ? null : new CompiledPermissions(permissions);

    /// <summary>nats-server's start-up checks of the auth options (validateNoAuthUser).</summary>
    public static void ValidateOptions(ServerOptions options)
    {
        string noAuthUser = options.NoAuthUser;
        if (noAuthUser.Length == 0)
        {
            return;
        }

        if (!options.AllUsers().Any())
        {
            throw new NatsServerException($"no_auth_user: \"{noAuthUser}\" present, but users are not defined");
        }

        if (!options.AllUsers().Any(u => u.User.Username == noAuthUser))
        {
            throw new NatsServerException($"no_auth_user: \"{noAuthUser}\" not present as user in authorization block or account configuration");
        }
    }
}
