using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// One generated stream: the bytes, where they are cut into separate writes, and the name of
/// the deliberate difference (docs/compatibility.md) it exercises, if any. Everything derives
/// from <see cref="Seed"/>, so a stream replays from it alone.
/// </summary>
public sealed record FuzzStream(long Seed, FuzzProfile Profile, FuzzPort Port, bool Handshake, byte[] Bytes, int[] Cuts, bool Slow, string? Deliberate)
{
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("seed=").Append(Seed).Append(" profile=").Append(Profile.Name).Append(" port=").Append(Port);
        if (Port != FuzzPort.Client)
        {
            sb.Append(Handshake ? " after-handshake" : " before-handshake");
        }

        sb.Append(" cuts=[").Append(string.Join(',', Cuts)).Append(']');
        sb.Append("\n  stream: ").Append(Escape(Bytes));
        return sb.ToString();
    }

    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case < 0x20 or >= 0x7f: sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: sb.Append((char)b); break;
            }
        }

        return sb.ToString();
    }
}
