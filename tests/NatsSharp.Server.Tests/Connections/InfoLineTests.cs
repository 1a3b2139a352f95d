using System.Text;
using NatsSharp.Server.Connections;
using NatsSharp.Server.JetStream;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>The pre-serialized INFO with a client's fields spliced in gives the serializer's bytes exactly.</summary>
public sealed class InfoLineTests
{
    public static TheoryData<bool, bool, string?, string?> Shapes => new()
    {
        { false, false, null, null },
        { true, false, null, "Q29mZmVlLW5vbmNl_-x" },
        { false, true, "my-cluster", null },
        { true, true, "c", "abc" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_spliced_line_equals_the_serialized_one(bool authRequired, bool jetStream, string? cluster, string? nonce)
    {
        var options = new ServerOptions { Host = "127.0.0.1", JetStream = jetStream ? new JetStreamOptions() : null };
        string[]? urls = cluster is null ? null : ["127.0.0.1:4222", "[::1]:4223"];
        ServerInfo template = ClientInfo.CreateTemplate(options, "NSERVERID", "n1", 4222, authRequired: false, tlsOn: cluster is not null, cluster, urls);
        InfoLine line = InfoLine.Create(template, authRequired, 65536);

        foreach ((ulong id, string ip) in new[] { (1UL, "127.0.0.1"), (987654321012UL, "::1"), (ulong.MaxValue, "") })
        {
            ServerInfo expected = template.Clone();
            expected.AuthRequired = authRequired;
            expected.MaxPayload = 65536;
            expected.ClientId = id;
            expected.ClientIp = ip;
            expected.Nonce = nonce;
            Assert.Equal(Encoding.UTF8.GetString(InfoLine.Serialize(expected)), Encoding.UTF8.GetString(line.For(id, ip, nonce)));

            // The stack-written line the usual client's INFO is sent from: the same bytes, exactly its length.
            byte[] written = new byte[line.LengthFor(id, ip, nonce) + 8];
            line.WriteFor(written, id, ip, nonce);
            Assert.Equal(line.For(id, ip, nonce), written[..^8]);
            Assert.All(written[^8..], b => Assert.Equal(0, b));
        }
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("a\"b", false)]
    [InlineData(null, true)]
    public void Only_values_no_encoder_escapes_are_plain(string? value, bool plain) => Assert.Equal(plain, InfoLine.IsPlain(value));
}
