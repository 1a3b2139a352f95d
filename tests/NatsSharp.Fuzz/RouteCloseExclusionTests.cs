using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// The exclusion <see cref="StreamGenerator.RouteCloseThenLaterWrite"/>: which route streams it
/// takes (a close that lets the read go on, and a later write), and which it leaves compared.
/// </summary>
public sealed class RouteCloseExclusionTests
{
    private const string Handshake =
        "CONNECT {\"verbose\":false,\"name\":\"R\",\"cluster\":\"fuzz\",\"headers\":true}\r\n"
        + "INFO {\"server_id\":\"R\",\"name\":\"R\",\"cluster\":\"fuzz\",\"headers\":true}\r\n";

    private const string Rmsg = "RMSG $G foo 1\r\nx\r\n";

    [Fact]
    public void Seed_806295_an_INFO_of_another_cluster_then_an_RMSG_in_a_later_write_is_excluded()
    {
        FuzzStream stream = StreamGenerator.Create(806295, FuzzProfile.Default, FuzzPort.Route);
        Assert.Contains("\"cluster\":\"f`zz\"", Encoding.Latin1.GetString(stream.Bytes), StringComparison.Ordinal);
        Assert.Equal(StreamGenerator.RouteCloseThenLaterWrite, stream.Deliberate);
    }

    public static TheoryData<string, string> Excluded => new()
    {
        { "INFO of another cluster", Handshake + "INFO {\"cluster\":\"other\"}\r\n" },
        { "the key in another case (Go's decoder)", Handshake + "INFO {\"Cluster\" : \"other\"}\r\n" },
        { "a repeated key, the other one second", Handshake + "INFO {\"cluster\":\"fuzz\",\"cluster\":\"x\"}\r\n" },
        { "-ERR", Handshake + "-ERR 'x'\r\n" },
        { "-err in lower case", Handshake + "-err 'x'\r\n" },
    };

    [Theory]
    [MemberData(nameof(Excluded))]
    public void A_close_that_lets_the_read_go_on_then_a_later_write_is_excluded(string name, string close)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(close + Rmsg);
        Assert.True(StreamGenerator.CutAfterRouteClose(bytes, [close.Length]), name);
        Assert.True(StreamGenerator.CutAfterRouteClose(bytes, [close.Length - 3]), name);

        // One write, but longer than nats-server's first read.
        byte[] longer = Encoding.Latin1.GetBytes(close + Rmsg + new string('\n', 600));
        Assert.True(StreamGenerator.CutAfterRouteClose(longer, []), name);
    }

    public static TheoryData<string, string> NotExcluded => new()
    {
        { "the handshake's INFO of this cluster", Handshake },
        { "an INFO without cluster", Handshake + "INFO {\"server_id\":\"X\",\"connect_urls\":[]}\r\n" },
        { "an INFO with an empty cluster", Handshake + "INFO {\"cluster\":\"\"}\r\n" },
        { "a cluster key not at a line start", Handshake + "PING {\"cluster\":\"x\"}\r\n" },
    };

    [Theory]
    [MemberData(nameof(NotExcluded))]
    public void Streams_without_such_a_close_stay_compared(string name, string stream)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(stream + Rmsg);
        Assert.False(StreamGenerator.CutAfterRouteClose(bytes, [stream.Length]), name);
    }

    [Fact]
    public void A_close_with_everything_after_it_in_the_same_write_stays_compared()
    {
        // nats-server reads one short write whole: the RMSG after the close is processed (802398).
        string close = Handshake + "INFO {\"cluster\":\"other\"}\r\n";
        byte[] bytes = Encoding.Latin1.GetBytes(close + Rmsg);
        Assert.False(StreamGenerator.CutAfterRouteClose(bytes, []));
        Assert.False(StreamGenerator.CutAfterRouteClose(bytes, [10]));
    }
}
