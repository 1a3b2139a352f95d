using System.Security.Cryptography;
using System.Text;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Auth;

/// <summary>
/// The single-user and token checks of <c>--user/--pass</c>, <c>--auth</c> and
/// <c>authorization { user, password | token }</c>. Comparisons take constant time.
/// </summary>
internal sealed class SimpleAuthenticator
{
    private readonly string _user;
    private readonly string _password;
    private readonly string _token;

    public SimpleAuthenticator(ServerOptions options)
    {
        _user = options.Username;
        _password = options.Password;
        _token = options.AuthToken;
    }

    public bool Required => _user.Length > 0 || _token.Length > 0;

    public bool Authenticate(ConnectOptions connect)
    {
        if (_token.Length > 0)
        {
            return SameText(connect.AuthToken, _token);
        }

        return SameText(connect.User, _user) & SameText(connect.Pass, _password);
    }

    private static bool SameText(string? given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(expected));
}
