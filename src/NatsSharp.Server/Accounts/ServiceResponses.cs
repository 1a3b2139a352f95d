using System.Collections.Concurrent;
using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// The reply subjects an importing account's service requests were given in the exporting
/// accounts (<c>_R_.&lt;prefix&gt;.&lt;token&gt;</c>), each mapped back to the requester's own
/// reply. One wildcard subscription <c>_R_.&lt;prefix&gt;.&gt;</c> per exporting account brings the
/// responses here, from this server or over a route.
/// </summary>
internal sealed class ServiceResponses : ImportBinding
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private int _registered;

    private sealed record Pending(byte[] Reply, ServiceResponseType Type, long ExpiresAt, ServiceImport Import);

    public ServiceResponses(Account importer)
    {
        Importer = importer;
        Prefix = "_R_." + RandomToken(6) + ".";
    }

    /// <summary>The account the responses go back to.</summary>
    public Account Importer { get; }

    /// <summary><c>_R_.xxxxxx.</c>: what every reply subject made here starts with.</summary>
    public string Prefix { get; }

    public string WildcardSubject => Prefix + ">";

    /// <summary>Reply mappings waiting for a response.</summary>
    public int Count => _pending.Count;

    /// <summary>A fresh reply subject for a request whose requester listens on <paramref name="reply"/>.</summary>
    public byte[] Register(ReadOnlySpan<byte> reply, ServiceImport import)
    {
        string mapped = Prefix + RandomToken(10);
        long expires = Environment.TickCount64 + (long)import.ResponseThreshold.TotalMilliseconds;
        _pending[mapped] = new Pending(reply.ToArray(), import.ResponseType, expires, import);
        if (Interlocked.Increment(ref _registered) % 256 == 0)
        {
            DropExpired();
        }

        return Encoding.ASCII.GetBytes(mapped);
    }

    /// <summary>The requester's reply subject for a response published on <paramref name="subject"/>; a singleton's mapping is used up.</summary>
    public byte[]? Take(ReadOnlySpan<byte> subject)
    {
        string key = Encoding.ASCII.GetString(subject);
        if (!_pending.TryGetValue(key, out Pending? pending))
        {
            return null;
        }

        if (pending.Type == ServiceResponseType.Singleton || Environment.TickCount64 > pending.ExpiresAt)
        {
            if (!_pending.TryRemove(key, out _))
            {
                return null; // another response took it first
            }

            if (Environment.TickCount64 > pending.ExpiresAt)
            {
                return null;
            }
        }

        return pending.Reply;
    }

    /// <summary>The mappings still waiting for a response (for /accountz "responses").</summary>
    public List<(string Subject, byte[] Reply, ServiceImport Import)> Waiting()
    {
        long now = Environment.TickCount64;
        var waiting = new List<(string, byte[], ServiceImport)>();
        foreach (var (key, pending) in _pending)
        {
            if (now <= pending.ExpiresAt)
            {
                waiting.Add((key, pending.Reply, pending.Import));
            }
        }

        return waiting;
    }

    private void DropExpired()
    {
        long now = Environment.TickCount64;
        foreach (var (key, pending) in _pending)
        {
            if (now > pending.ExpiresAt)
            {
                _pending.TryRemove(key, out _);
            }
        }
    }

    private static string RandomToken(int length)
    {
        Span<char> token = stackalloc char[length];
        for (int i = 0; i < length; i++)
        {
            token[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        }

        return new string(token);
    }
}
