using System.Security.Cryptography;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// The cluster's name, configured or generated, and how it meets a peer's: a generated name
/// gives way to a configured one and to a higher-sorting generated one; two configured names
/// that differ refuse each other (nats-server's rules). Name and "generated" change together.
/// </summary>
internal sealed class ClusterName
{
    private readonly Lock _lock = new();
    private State _state;

    public ClusterName(string configured) =>
        _state = configured.Length == 0 ? new State(Generate(), Dynamic: true) : new State(configured, Dynamic: false);

    public string Current => Volatile.Read(ref _state).Name;

    /// <summary>Generated rather than configured.</summary>
    public bool Dynamic => Volatile.Read(ref _state).Dynamic;

    /// <summary>
    /// A peer's name: null when the two agree (<paramref name="adopted"/> when ours gave way to
    /// theirs), else the refusal nats-server sends.
    /// </summary>
    public string? Meet(string theirs, bool theirsDynamic, out bool adopted)
    {
        adopted = false;
        lock (_lock)
        {
            State ours = _state;
            if (theirs.Length == 0 || theirs == ours.Name)
            {
                return null;
            }

            if (ours.Dynamic && (!theirsDynamic || string.CompareOrdinal(ours.Name, theirs) < 0))
            {
                Volatile.Write(ref _state, new State(theirs, theirsDynamic));
                adopted = true;
                return null;
            }

            return $"Rejecting connection, cluster name \"{theirs}\" does not match \"{ours.Name}\"";
        }
    }

    /// <summary>Reload: a configured name replaces the current one.</summary>
    public void Configure(string name)
    {
        lock (_lock)
        {
            Volatile.Write(ref _state, new State(name, Dynamic: false));
        }
    }

    private static string Generate()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<byte> random = stackalloc byte[22];
        RandomNumberGenerator.Fill(random);
        Span<char> name = stackalloc char[22];
        for (int i = 0; i < name.Length; i++)
        {
            name[i] = alphabet[random[i] % alphabet.Length];
        }

        return new string(name);
    }

    private sealed record State(string Name, bool Dynamic);
}
