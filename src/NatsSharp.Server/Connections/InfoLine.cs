using System.Buffers.Text;
using System.Text.Json;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A client INFO line serialized once, with the per-client fields (<c>client_id</c>, <c>client_ip</c>,
/// <c>nonce</c>) spliced in for each connection: in a connection storm every client gets the same INFO
/// but for those, and serializing it per client cost a clone, the JSON writer and two arrays. The bytes
/// are the ones <see cref="Serialize"/> gives for the template with those fields set (same order, same text).
/// </summary>
internal sealed class InfoLine
{
    private static ReadOnlySpan<byte> ClientIdName => "\"client_id\":"u8;

    private readonly byte[] _head; // "INFO {...", up to where client_id goes
    private readonly byte[] _tail; // the rest after the nonce, "...} \r\n"

    private InfoLine(ServerInfo template, bool authRequired, int maxPayload, byte[] head, byte[] tail)
    {
        Template = template;
        AuthRequired = authRequired;
        MaxPayload = maxPayload;
        _head = head;
        _tail = tail;
    }

    /// <summary>The template this line was made from (with the per-client fields unset).</summary>
    public ServerInfo Template { get; }

    /// <summary>auth_required as written (the client's authenticator's, not the template's).</summary>
    public bool AuthRequired { get; }

    /// <summary>max_payload as written (the client's account may lower it).</summary>
    public int MaxPayload { get; }

    /// <summary>The whole INFO line for <paramref name="info"/>.</summary>
    public static byte[] Serialize(ServerInfo info)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        byte[] line = new byte[5 + json.Length + 3];
        "INFO "u8.CopyTo(line);
        json.CopyTo(line, 5);
        " \r\n"u8.CopyTo(line.AsSpan(5 + json.Length));
        return line;
    }

    /// <summary>
    /// Splits <paramref name="template"/>'s INFO, with <paramref name="authRequired"/> and <paramref name="maxPayload"/>,
    /// where the per-client fields go (they must be unset in the template).
    /// </summary>
    public static InfoLine Create(ServerInfo template, bool authRequired, int maxPayload)
    {
        ServerInfo marked = template.Clone();
        marked.AuthRequired = authRequired;
        marked.MaxPayload = maxPayload;
        marked.ClientId = 1; // the property names are unique, and string values cannot hold an unescaped quote
        byte[] line = Serialize(marked);
        int at = line.AsSpan().IndexOf(ClientIdName);
        int after = at + ClientIdName.Length + 1;
        return new InfoLine(template, authRequired, maxPayload, line[..at], line[after..]);
    }

    /// <summary>
    /// Whether a value is written as it is by any JSON encoder (letters, digits and <c>.:_-</c>): an IP
    /// address or a nonce always is; anything else goes the long way, so the bytes stay the serializer's.
    /// </summary>
    public static bool IsPlain(string? value)
    {
        foreach (char c in value ?? "")
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The INFO line with this client's fields; <paramref name="ip"/> and <paramref name="nonce"/> must be <see cref="IsPlain"/>, <paramref name="id"/> not 0.</summary>
    public byte[] For(ulong id, string ip, string? nonce)
    {
        byte[] line = new byte[LengthFor(id, ip, nonce)];
        WriteFor(line, id, ip, nonce);
        return line;
    }

    /// <summary>How long <see cref="For"/>'s line is.</summary>
    public int LengthFor(ulong id, string ip, string? nonce) =>
        _head.Length + ClientIdName.Length + Digits(id) + ",\"client_ip\":\"\"".Length + ip.Length
            + (nonce is null ? 0 : ",\"nonce\":\"\"".Length + nonce.Length) + _tail.Length;

    /// <summary>Writes <see cref="For"/>'s line into <paramref name="line"/> (<see cref="LengthFor"/> long), allocating nothing.</summary>
    public void WriteFor(Span<byte> line, ulong id, string ip, string? nonce)
    {
        Span<byte> rest = line;
        Append(ref rest, _head);
        Append(ref rest, ClientIdName);
        Utf8Formatter.TryFormat(id, rest, out int digits);
        rest = rest[digits..];
        Append(ref rest, ",\"client_ip\":\""u8);
        AppendAscii(ref rest, ip);
        Append(ref rest, "\""u8);
        if (nonce is not null)
        {
            Append(ref rest, ",\"nonce\":\""u8);
            AppendAscii(ref rest, nonce);
            Append(ref rest, "\""u8);
        }

        Append(ref rest, _tail);
    }

    private static int Digits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static void Append(ref Span<byte> rest, scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(rest);
        rest = rest[bytes.Length..];
    }

    private static void AppendAscii(ref Span<byte> rest, string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            rest[i] = (byte)text[i];
        }

        rest = rest[text.Length..];
    }
}
