namespace NatsSharp.Fuzz;

/// <summary>
/// One server configuration both servers run with (only the ports differ), and the credentials
/// the observer and the generated CONNECTs use with it.
/// </summary>
public sealed record FuzzProfile(string Name, string ConfigBody, string ObserverAuth, int MaxPayload, bool Peers)
{
    /// <summary>No auth, default limits, cluster and leafnode ports open.</summary>
    public static readonly FuzzProfile Default = new(
        "default",
        "no_system_account: true\n", // NatsSharp has no $SYS account yet (docs/compatibility.md): its interest is not compared
        "",
        1024 * 1024,
        Peers: true);

    /// <summary>Small limits, so that size and line violations are common.</summary>
    public static readonly FuzzProfile Limits = new(
        "limits",
        "max_payload: 64\nmax_control_line: 128\nmax_subscriptions: 4\n",
        "",
        64,
        Peers: false)
    {
        MaxSubscriptions = 4,
    };

    /// <summary>Users with and without permissions; the observer is the unrestricted one.</summary>
    public static readonly FuzzProfile Users = new(
        "users",
        """
        authorization {
          users = [
            { user: alice, password: pw1 }
            { user: bob, password: pw2, permissions: { publish: { allow: ["foo", "foo.>", "_INBOX.>"] }, subscribe: { deny: ["bar", "a.>"] } } }
          ]
        }

        """,
        "\"user\":\"alice\",\"pass\":\"pw1\",",
        1024 * 1024,
        Peers: false);

    /// <summary>A token.</summary>
    public static readonly FuzzProfile Token = new(
        "token",
        "authorization { token: s3cr3t }\n",
        "\"auth_token\":\"s3cr3t\",",
        1024 * 1024,
        Peers: false);

    /// <summary>The config's <c>max_subscriptions</c> (0: none).</summary>
    public int MaxSubscriptions { get; init; }

    public static IReadOnlyList<FuzzProfile> All { get; } = [Default, Limits, Users, Token];

    public static FuzzProfile ByName(string name) => All.Single(p => p.Name == name);

    /// <summary>The config file text for one server of the pair.</summary>
    public string Config(int clientPort, int clusterPort, int leafPort)
    {
        string text = $"host: 127.0.0.1\nport: {clientPort}\n{ConfigBody}";
        if (Peers)
        {
            text += $"cluster {{ name: fuzz, listen: \"127.0.0.1:{clusterPort}\" }}\nleafnodes {{ listen: \"127.0.0.1:{leafPort}\" }}\n";
        }

        return text;
    }
}
