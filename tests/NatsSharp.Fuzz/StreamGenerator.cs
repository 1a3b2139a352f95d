using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// Builds protocol streams from a seed: a sequence of mostly well-formed operations (every verb,
/// CONNECT options, headers, limits) with odd spellings mixed in, then byte-level mutations, then
/// cuts into separate writes.
/// </summary>
public static class StreamGenerator
{
    public const string RoutePreConnect = "route port without cluster authorization";

    /// <summary>
    /// nats-server reads a route's PUB whole as a message that goes nowhere, but when its read ends
    /// inside the payload (its first reads are 512 bytes) it parses the arguments again as RMSG
    /// arguments (clonePubArg) and a PUB without reply has one too few: a parser error.
    /// </summary>
    public const string RoutePubWithoutReply = "route PUB without reply";

    /// <summary>
    /// nats-server drops the byte before a control line's LF once it has seen a CR among its
    /// arguments, but when the line comes in two reads it keeps the first part less its last byte
    /// (if the CR came before) and drops every CR after the split: the line it reads depends on
    /// where its reads ended. NatsSharp reads the line as if it had come whole. Its reads end at the
    /// writes' boundaries and at its own buffer's end: the first read takes 512 bytes at most.
    /// </summary>
    public const string SplitLineWithInnerCr = "control line with an inner CR split across reads";

    /// <summary>
    /// After a client's -ERR nats-server closes but goes on with the rest of its current read (its
    /// reads start at 512 bytes and grow); NatsSharp goes on with the rest of its own read. What comes
    /// in a later write is processed or not depending on where the reads ended.
    /// </summary>
    public const string ClientErrThenLaterWrite = "client -ERR followed by a later write";

    /// <summary>
    /// The route version of <see cref="ClientErrThenLaterWrite"/>: a route <c>-ERR</c>, or an INFO naming
    /// another cluster, closes the route, but nats-server goes on with the rest of its current read;
    /// whether an RMSG in a later write is still processed depends on where each server's reads ended.
    /// </summary>
    public const string RouteCloseThenLaterWrite = "route -ERR or INFO of another cluster followed by a later write";

    /// <summary>
    /// nats-server writes a message's sizes in the MSG/RMSG/LMSG line as the publisher spelled them (the
    /// size arguments' bytes are copied), so <c>PUB foo 010</c> is delivered as <c>MSG foo 1 010</c>;
    /// NatsSharp writes the numbers (<c>10</c>).
    /// </summary>
    public const string SizeWithLeadingZeros = "message size written with leading zeros";

    /// <summary>nats-server 2.9.10 panics (index out of range) on a route LS+ without arguments, and exits.</summary>
    public const string RouteLsPlusWithoutArguments = "route LS+ without arguments";

    private static readonly string[] Subjects =
    [
        "foo", "foo", "foo.bar", "bar", "a.b.c", "foo.*", "foo.>", ">", "*", "_INBOX.x1", "$SYS.x", "foo..bar",
        ".foo", "foo.", "f\to", "FOO", "a.b.c.d.e.f.g.h", "é.x", "foo bar", "",
    ];

    private static readonly char[] InsertedBytes = [' ', '\r', '\n', '\t', '0', '9', 'A', '.', '*', '>', '\0'];

    private static readonly string[] Queues = ["q1", "q2", "q.x", "*", ""];

    private static readonly string[] Verbs =
    [
        "PUB", "HPUB", "SUB", "UNSUB", "PING", "PONG", "CONNECT", "INFO", "MSG", "HMSG", "+OK", "-ERR",
        "RS+", "RS-", "RMSG", "LS+", "LS-", "LMSG", "pub", "Sub", "ping", "PINGX", "P", "",
    ];

    public static FuzzStream Create(long seed, FuzzProfile profile, FuzzPort port)
    {
        var rng = new Random(unchecked((int)(seed ^ (seed >> 32))));
        bool handshake = port == FuzzPort.Client || rng.Next(4) != 0;
        var sb = new StringBuilder();
        if (port == FuzzPort.Client)
        {
            if (rng.Next(10) != 0)
            {
                sb.Append(ClientConnect(rng, profile));
            }
        }
        else if (handshake)
        {
            sb.Append(port == FuzzPort.Route ? RouteHandshake(rng, seed) : LeafHandshake(rng, seed));
        }

        int ops = rng.Next(1, 12);
        bool routePubWithoutReply = false;
        for (int i = 0; i < ops; i++)
        {
            string op = port switch
            {
                FuzzPort.Client => ClientOp(rng, profile),
                FuzzPort.Route => RouteOp(rng, profile),
                _ => LeafOp(rng, profile),
            };
            routePubWithoutReply |= port == FuzzPort.Route && op.StartsWith("PUB", StringComparison.Ordinal)
                && op.Split('\n')[0].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries).Length < 4;
            sb.Append(op);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(sb.ToString());
        if (rng.Next(3) == 0)
        {
            bytes = Mutate(rng, bytes);
        }

        string? deliberate = null;
        if (port == FuzzPort.Route && !StartsWithConnect(bytes))
        {
            // Without the handshake, or a mutation took its CONNECT apart.
            deliberate = RoutePreConnect;
        }
        else if (port == FuzzPort.Route && HasLsPlusWithoutArguments(bytes))
        {
            deliberate = RouteLsPlusWithoutArguments;
        }
        else if (routePubWithoutReply)
        {
            deliberate = RoutePubWithoutReply;
        }
        else if (HasSizeWithLeadingZeros(bytes))
        {
            deliberate = SizeWithLeadingZeros;
        }

        int[] cuts = Cuts(rng, bytes.Length);
        bool slow = cuts.Length > 0 && rng.Next(40) == 0;
        if (deliberate is null && CutsLineWithInnerCr(bytes, cuts))
        {
            deliberate = SplitLineWithInnerCr;
        }

        if (deliberate is null && port == FuzzPort.Client && CutAfterErr(bytes, cuts))
        {
            deliberate = ClientErrThenLaterWrite;
        }

        if (deliberate is null && port == FuzzPort.Route && CutAfterRouteClose(bytes, cuts))
        {
            deliberate = RouteCloseThenLaterWrite;
        }

        return new FuzzStream(seed, profile, port, handshake, bytes, cuts, slow, deliberate);
    }

    /// <summary>
    /// A line (taken to start after any LF, so payload lines count too: that only excludes more)
    /// with a CR that is not the byte before its LF, and a read of nats-server that may end between
    /// its start and its LF; or a last line without LF that has a CR.
    /// </summary>
    private static bool CutsLineWithInnerCr(byte[] bytes, int[] cuts)
    {
        int start = 0;
        while (start < bytes.Length)
        {
            int lf = Array.IndexOf(bytes, (byte)'\n', start);
            int end = lf < 0 ? bytes.Length : lf;
            int cr = Array.IndexOf(bytes, (byte)'\r', start, end - start);

            // A last line without its LF goes on in the player's PING, another write: any CR in it is inner.
            if (cr >= 0 && (lf < 0 || (cr < end - 1 && ReadMayEndInside(start, end, cuts))))
            {
                return true;
            }

            start = end + 1;
        }

        return false;
    }

    /// <summary>
    /// Whether one of nats-server's reads may end after byte <paramref name="start"/> and by byte
    /// <paramref name="end"/>. Its reads end where the writes do (or where what had arrived did) and
    /// where its buffer does: 512 bytes at first, doubled after a read that fills it, up to 64 KB
    /// (halved after short reads). One write: at 512, 1536, 3584… With cuts, where its buffer stood
    /// at each write is not known: past the first 512 bytes any line may be split.
    /// </summary>
    private static bool ReadMayEndInside(int start, int end, int[] cuts)
    {
        if (cuts.Any(c => c > start && c <= end))
        {
            return true;
        }

        if (cuts.Length > 0)
        {
            return end >= 512;
        }

        for (int at = 512, read = 512; at <= end; read = Math.Min(read * 2, 65536), at += read)
        {
            if (at > start)
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithConnect(byte[] bytes) =>
        bytes.Length >= 7 && Encoding.ASCII.GetString(bytes, 0, 7).Equals("CONNECT", StringComparison.OrdinalIgnoreCase);

    /// <summary>A line that starts with <c>-ERR</c> (any case) and a cut after its first byte, or a stream longer than 512 bytes.</summary>
    private static bool CutAfterErr(byte[] bytes, int[] cuts)
    {
        for (int start = 0; start + 4 <= bytes.Length; start++)
        {
            if (IsErrLine(bytes, start))
            {
                return LaterWriteAfter(bytes, cuts, start);
            }
        }

        return false;
    }

    /// <summary>
    /// A line that starts with <c>-ERR</c> (any case), or an INFO line with a <c>cluster</c> key (any
    /// case, as Go's decoder matches keys) whose value is a string other than <c>""</c> and <c>"fuzz"</c>;
    /// and a cut after its first byte, or a stream longer than 512 bytes. Lines are taken to start after
    /// any LF: one inside a payload only excludes a stream more.
    /// </summary>
    internal static bool CutAfterRouteClose(byte[] bytes, int[] cuts)
    {
        for (int start = 0; start + 4 <= bytes.Length; start++)
        {
            if (IsErrLine(bytes, start) || IsOtherClusterInfoLine(bytes, start))
            {
                return LaterWriteAfter(bytes, cuts, start);
            }
        }

        return false;
    }

    // nats-server's first read is 512 bytes: beyond it is a later read too.
    private static bool LaterWriteAfter(byte[] bytes, int[] cuts, int start) =>
        (cuts.Length > 0 && cuts[^1] > start) || bytes.Length > 512;

    private static bool IsErrLine(byte[] bytes, int start) =>
        (start == 0 || bytes[start - 1] == '\n') && bytes[start] == '-' && (bytes[start + 1] | 0x20) == 'e'
        && (bytes[start + 2] | 0x20) == 'r' && (bytes[start + 3] | 0x20) == 'r';

    private static bool IsOtherClusterInfoLine(byte[] bytes, int start)
    {
        if ((start > 0 && bytes[start - 1] != '\n') || start + 5 > bytes.Length
            || !Encoding.Latin1.GetString(bytes, start, 4).Equals("INFO", StringComparison.OrdinalIgnoreCase)
            || bytes[start + 4] is not ((byte)' ' or (byte)'\t'))
        {
            return false;
        }

        int lf = Array.IndexOf(bytes, (byte)'\n', start);
        string line = Encoding.Latin1.GetString(bytes, start, (lf < 0 ? bytes.Length : lf) - start);
        for (int key = line.IndexOf("\"cluster\"", StringComparison.OrdinalIgnoreCase); key >= 0;
            key = line.IndexOf("\"cluster\"", key + 1, StringComparison.OrdinalIgnoreCase))
        {
            string rest = line[(key + 9)..].TrimStart(' ', '\t', '\r');
            if (!rest.StartsWith(':'))
            {
                continue;
            }

            rest = rest[1..].TrimStart(' ', '\t', '\r');
            if (rest.StartsWith('"') && !rest.StartsWith("\"\"", StringComparison.Ordinal) && !rest.StartsWith("\"fuzz\"", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A line that starts with LS+ and a blank and has nothing but blanks, CRs and LFs up to its end
    /// (nats-server reads an LF right after the blanks as the start of the argument, so the line then
    /// runs on to the next LF). Lines are taken to start after any LF: it may also be inside a
    /// payload, which only excludes a stream more.
    /// </summary>
    /// <summary>
    /// A line (taken to start after any LF: a payload line only excludes more) of a message verb (PUB, HPUB,
    /// RMSG, HMSG, LMSG, any case) whose last argument, or for a header verb one of its last two, is two or
    /// more digits starting with 0 (arguments split on blanks and CRs: a CR among them only excludes more).
    /// </summary>
    internal static bool HasSizeWithLeadingZeros(byte[] bytes)
    {
        foreach (string line in Encoding.Latin1.GetString(bytes).Split('\n'))
        {
            string[] tokens = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length < 2)
            {
                continue;
            }

            string verb = tokens[0].ToUpperInvariant();
            int sizes = verb switch
            {
                "PUB" or "RMSG" or "LMSG" => 1,
                "HPUB" or "HMSG" => 2,
                _ => 0,
            };
            for (int i = Math.Max(1, tokens.Length - sizes); i < tokens.Length; i++)
            {
                string size = tokens[i];
                if (size.Length > 1 && size[0] == '0' && size.All(char.IsAsciiDigit))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasLsPlusWithoutArguments(byte[] bytes)
    {
        for (int start = 0; start < bytes.Length; start++)
        {
            if ((start > 0 && bytes[start - 1] != '\n') || start + 4 > bytes.Length
                || (bytes[start] | 0x20) != 'l' || (bytes[start + 1] | 0x20) != 's' || bytes[start + 2] != '+'
                || bytes[start + 3] is not ((byte)' ' or (byte)'\t'))
            {
                continue;
            }

            int i = start + 3;
            while (i < bytes.Length && bytes[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            int end = i < bytes.Length && bytes[i] == '\n' ? Array.IndexOf(bytes, (byte)'\n', i + 1) : Array.IndexOf(bytes, (byte)'\n', i);
            end = end < 0 ? bytes.Length : end;
            if (bytes.AsSpan(i, end - i).IndexOfAnyExcept(" \t\r\n"u8) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int[] Cuts(Random rng, int length)
    {
        if (length < 2 || rng.Next(2) == 0)
        {
            return [];
        }

        int n = rng.Next(1, Math.Min(6, length));
        return Enumerable.Range(0, n).Select(_ => rng.Next(1, length)).Distinct().Order().ToArray();
    }

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static string Sep(Random rng) => rng.Next(12) switch
    {
        0 => "\t",
        1 => "  ",
        2 => " \t",
        _ => " ",
    };

    private static string Eol(Random rng) => rng.Next(25) switch
    {
        0 => "\n",
        1 => "",
        2 => "\r",
        3 => " \r\n",
        _ => "\r\n",
    };

    private static string Bool(Random rng) => rng.Next(12) switch
    {
        0 => "\"yes\"",
        1 => "1",
        2 => "null",
        _ => rng.Next(2) == 0 ? "true" : "false",
    };

    private static string ClientConnect(Random rng, FuzzProfile profile)
    {
        var fields = new List<string>();
        void Maybe(string name, string value)
        {
            if (rng.Next(3) != 0)
            {
                fields.Add($"\"{name}\":{value}");
            }
        }

        Maybe("verbose", Bool(rng));
        Maybe("pedantic", Bool(rng));
        Maybe("headers", Bool(rng));
        Maybe("no_responders", Bool(rng));
        Maybe("echo", Bool(rng));
        Maybe("tls_required", rng.Next(8) == 0 ? "true" : "false");
        Maybe("protocol", rng.Next(5) switch { 0 => "0", 1 => "2", 2 => "\"1\"", _ => "1" });
        Maybe("lang", "\"fuzz\"");
        Maybe("version", "\"1.0\"");
        Maybe("name", rng.Next(4) == 0 ? "\"na\\\"me\"" : "\"fz\"");
        if (profile == FuzzProfile.Users || rng.Next(6) == 0)
        {
            switch (rng.Next(5))
            {
                case 0: fields.Add("\"user\":\"alice\",\"pass\":\"pw1\""); break;
                case 1: fields.Add("\"user\":\"bob\",\"pass\":\"pw2\""); break;
                case 2: fields.Add("\"user\":\"bob\",\"pass\":\"bad\""); break;
                case 3: fields.Add("\"user\":\"nobody\""); break;
                default: break;
            }
        }

        if (profile == FuzzProfile.Token || rng.Next(6) == 0)
        {
            switch (rng.Next(3))
            {
                case 0: fields.Add("\"auth_token\":\"s3cr3t\""); break;
                case 1: fields.Add("\"auth_token\":\"wrong\""); break;
                default: break;
            }
        }

        if (rng.Next(10) == 0)
        {
            fields.Add("\"unknown_field\":[1,2]");
        }

        fields = fields.OrderBy(_ => rng.Next()).ToList();
        string json = "{" + string.Join(",", fields) + "}";
        json = rng.Next(20) switch
        {
            0 => json[..^1],
            1 => "",
            2 => json.Replace(":", " : ", StringComparison.Ordinal),
            3 => "[]",
            _ => json,
        };
        return "CONNECT" + Sep(rng) + json + Eol(rng);
    }

    private static string Payload(Random rng, int max)
    {
        int n = rng.Next(6) switch
        {
            0 => 0,
            1 => max,
            2 => max + 1,
            3 => rng.Next(Math.Min(max, 300) + 1),
            _ => rng.Next(12),
        };
        var sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            sb.Append(rng.Next(30) switch { 0 => '\r', 1 => '\n', 2 => ' ', _ => (char)('a' + rng.Next(26)) });
        }

        return sb.ToString();
    }

    private static int SizeFor(Random rng, int actual) => rng.Next(15) switch
    {
        0 => actual + 1,
        1 => Math.Max(0, actual - 1),
        2 => -1,
        _ => actual,
    };

    private static string SizeText(Random rng, int size) => size < 0
        ? Pick(rng, ["x", "-1", "99999999999999999999", "", "1e3"])
        : size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Reply(Random rng) => rng.Next(3) == 0 ? Sep(rng) + Pick(rng, ["_INBOX.r1", "r.*", "foo", ""]) : "";

    private static string Headers(Random rng)
    {
        string head = rng.Next(10) switch
        {
            0 => "NATS/1.0 503\r\n",
            1 => "NATS/2.0\r\n",
            2 => "XATS/1.0\r\n",
            3 => "NATS/1.0 404 Not Found\r\n",
            _ => "NATS/1.0\r\n",
        };
        int n = rng.Next(3);
        for (int i = 0; i < n; i++)
        {
            head += Pick(rng, ["K: v", "Nats-Msg-Id: 1", "X:", "bad line", "A-B: c d"]) + "\r\n";
        }

        return rng.Next(15) == 0 ? head : head + "\r\n";
    }

    private static string ClientOp(Random rng, FuzzProfile profile) => rng.Next(22) switch
    {
        <= 4 => Pub(rng, profile, "PUB"),
        <= 7 => HPub(rng, profile, "HPUB"),
        <= 10 => "SUB" + Sep(rng) + Pick(rng, Subjects) + (rng.Next(4) == 0 ? Sep(rng) + Pick(rng, Queues) : "") + Sep(rng) + Sid(rng) + Eol(rng),
        <= 12 => "UNSUB" + Sep(rng) + Sid(rng) + (rng.Next(3) == 0 ? Sep(rng) + SizeText(rng, rng.Next(4) - 1 < 0 ? -1 : rng.Next(4)) : "") + Eol(rng),
        <= 14 => "PING" + Eol(rng),
        15 => "PONG" + Eol(rng),
        16 => rng.Next(4) == 0 ? ClientConnect(rng, profile) : "PING" + Eol(rng),
        17 => Pick(rng, Verbs) + (rng.Next(2) == 0 ? Sep(rng) + Pick(rng, Subjects) : "") + Eol(rng),
        18 => new string('x', rng.Next(100, 400)) + Eol(rng),
        19 => "PUB " + new string('s', rng.Next(100, 5000)) + " 0\r\n\r\n",
        20 => Eol(rng),
        _ => Pick(rng, ["+OK\r\n", "-ERR 'x'\r\n", "INFO {}\r\n", "MSG foo 1 0\r\n\r\n", "PING\r\nPING\r\n"]),
    };

    private static string Sid(Random rng) => Pick(rng, ["1", "2", "3", "1", "abc", "", "0", "99999999999999999999"]);

    private static string Pub(Random rng, FuzzProfile profile, string verb)
    {
        string payload = Payload(rng, profile.MaxPayload > 2000 ? 100 : profile.MaxPayload);
        return verb + Sep(rng) + Pick(rng, Subjects) + Reply(rng) + Sep(rng) + SizeText(rng, SizeFor(rng, payload.Length)) + Eol(rng) + payload + Eol(rng);
    }

    private static string HPub(Random rng, FuzzProfile profile, string verb)
    {
        string headers = Headers(rng);
        string payload = Payload(rng, profile.MaxPayload > 2000 ? 100 : profile.MaxPayload);
        int hdr = SizeFor(rng, headers.Length);
        int total = rng.Next(12) == 0 ? Math.Max(0, hdr - 1) : headers.Length + payload.Length;
        return verb + Sep(rng) + Pick(rng, Subjects) + Reply(rng) + Sep(rng) + SizeText(rng, hdr) + Sep(rng) + SizeText(rng, SizeFor(rng, total)) + Eol(rng) + headers + payload + Eol(rng);
    }

    private static string RouteHandshake(Random rng, long seed)
    {
        string id = $"FUZZROUTE{seed & 0xffffffffff:X}";
        return $"CONNECT {{\"echo\":false,\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"name\":\"{id}\",\"cluster\":\"fuzz\",\"headers\":true}}\r\n"
            + $"INFO {{\"server_id\":\"{id}\",\"name\":\"{id}\",\"version\":\"2.9.10\",\"proto\":1,\"headers\":true,\"cluster\":\"fuzz\",\"max_payload\":1048576}}\r\n"
            + (rng.Next(2) == 0 ? "PING\r\n" : "");
    }

    private static string LeafHandshake(Random rng, long seed)
    {
        string id = $"FUZZLEAF{seed & 0xffffffffff:X}";
        return $"CONNECT {{\"name\":\"{id}\",\"headers\":true,\"tls_required\":false,\"verbose\":false,\"pedantic\":false}}\r\n"
            + (rng.Next(2) == 0 ? "PING\r\n" : "");
    }

    private static string RouteOp(Random rng, FuzzProfile profile) => rng.Next(16) switch
    {
        <= 2 => "RS+" + Sep(rng) + Pick(rng, ["$G", "$G", "ACC", ""]) + Sep(rng) + Pick(rng, Subjects) + (rng.Next(3) == 0 ? Sep(rng) + Pick(rng, Queues) + Sep(rng) + Pick(rng, ["1", "5", "x"]) : "") + Eol(rng),
        <= 4 => "RS-" + Sep(rng) + Pick(rng, ["$G", "$G", ""]) + Sep(rng) + Pick(rng, Subjects) + Eol(rng),
        <= 8 => RMsg(rng, profile),
        9 => "PING" + Eol(rng),
        10 => "PONG" + Eol(rng),
        11 => Pick(rng, Verbs) + (rng.Next(2) == 0 ? Sep(rng) + Pick(rng, Subjects) : "") + Eol(rng),
        12 => new string('x', rng.Next(100, 400)) + Eol(rng),
        13 => Pub(rng, profile, "PUB"),
        14 => "INFO {\"server_id\":\"X\",\"connect_urls\":[]}" + Eol(rng),
        _ => Eol(rng),
    };

    private static string RMsg(Random rng, FuzzProfile profile)
    {
        string payload = Payload(rng, 100);
        return PeerMsg(rng, "RMSG", Pick(rng, ["$G", "$G", "$G", "NOPE"]), payload);
    }

    private static string LeafOp(Random rng, FuzzProfile profile) => rng.Next(16) switch
    {
        <= 2 => "LS+" + Sep(rng) + Pick(rng, Subjects) + (rng.Next(3) == 0 ? Sep(rng) + Pick(rng, Queues) + Sep(rng) + Pick(rng, ["1", "5", "x"]) : "") + Eol(rng),
        <= 4 => "LS-" + Sep(rng) + Pick(rng, Subjects) + Eol(rng),
        <= 8 => LMsg(rng),
        9 => "PING" + Eol(rng),
        10 => "PONG" + Eol(rng),
        11 => Pick(rng, Verbs) + (rng.Next(2) == 0 ? Sep(rng) + Pick(rng, Subjects) : "") + Eol(rng),
        12 => new string('x', rng.Next(100, 400)) + Eol(rng),
        13 => Pub(rng, profile, "PUB"),
        14 => "INFO {\"server_id\":\"X\"}" + Eol(rng),
        _ => Eol(rng),
    };

    private static string LMsg(Random rng) => PeerMsg(rng, "LMSG", null, Payload(rng, 100));

    /// <summary>An RMSG (with an account) or LMSG, or an HMSG of either; the random draws in the order seeds were recorded with.</summary>
    private static string PeerMsg(Random rng, string verb, string? account, string payload)
    {
        string subject = Pick(rng, Subjects);
        string middle = rng.Next(5) switch
        {
            0 => Sep(rng) + "+" + Sep(rng) + "_INBOX.r" + Sep(rng) + "q1",
            1 => Sep(rng) + "|" + Sep(rng) + "q1",
            2 => Sep(rng) + "_INBOX.r",
            _ => "",
        };
        if (rng.Next(4) == 0)
        {
            string headers = Headers(rng);
            return "HMSG" + Sep(rng) + Target(rng, account, subject) + middle + Sep(rng) + SizeText(rng, SizeFor(rng, headers.Length)) + Sep(rng)
                + SizeText(rng, headers.Length + payload.Length) + Eol(rng) + headers + payload + Eol(rng);
        }

        return verb + Sep(rng) + Target(rng, account, subject) + middle + Sep(rng) + SizeText(rng, SizeFor(rng, payload.Length)) + Eol(rng) + payload + Eol(rng);
    }

    private static string Target(Random rng, string? account, string subject) => account is null ? subject : account + Sep(rng) + subject;

    private static byte[] Mutate(Random rng, byte[] bytes)
    {
        var list = new List<byte>(bytes);
        int n = rng.Next(1, 4);
        for (int i = 0; i < n && list.Count > 0; i++)
        {
            int at = rng.Next(list.Count);
            switch (rng.Next(7))
            {
                case 0: list[at] = (byte)rng.Next(256); break;
                case 1: list.Insert(at, (byte)Pick(rng, InsertedBytes)); break;
                case 2: list.RemoveRange(at, Math.Min(list.Count - at, rng.Next(1, 8))); break;
                case 3:
                    int len = Math.Min(list.Count - at, rng.Next(1, 40));
                    list.InsertRange(at, list.GetRange(at, len));
                    break;
                case 4: list[at] = (byte)char.ToLowerInvariant((char)list[at]); break;
                case 5: list[at] = (byte)(list[at] ^ (1 << rng.Next(8))); break;
                default: list.RemoveRange(at, list.Count - at); break;
            }
        }

        return list.ToArray();
    }
}
