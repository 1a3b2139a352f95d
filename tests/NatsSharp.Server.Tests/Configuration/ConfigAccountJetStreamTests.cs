using NatsSharp.Server.JetStream;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>An account's <c>jetstream</c> key: nats-server 2.9.10's parseJetStreamForAccount grammar and its -t errors (checked against nats-server -t).</summary>
public sealed class ConfigAccountJetStreamTests
{
    [Fact]
    public void Limits_bind_with_their_aliases_and_sizes()
    {
        ServerOptions o = Bind("""
            accounts {
              A { jetstream { max_mem: 100K, max_file: 1MB, max_streams: 2, max_consumers: 1, max_bytes_required: true, max_ack_pending: 9 } }
              B { jetstream: enabled }
              C { jetstream: disabled }
              D { jetstream { memory: 5, disk: 6, streams: 7, consumers: 8, memory_max_stream_bytes: 3, store_max_stream_bytes: 4 } }
              E { users [{user: e, password: e}] }
            }
            """).Options;
        JetStreamAccountLimits a = o.Accounts[0].JetStream!;
        Assert.Equal((100_000L, 1024 * 1024L, 2, 1, true, 9), (a.MaxMemory, a.MaxStore, a.MaxStreams, a.MaxConsumers, a.MaxBytesRequired, a.MaxAckPending));
        JetStreamAccountLimits b = o.Accounts[1].JetStream!;
        Assert.Equal((-1L, -1L, -1, -1), (b.MaxMemory, b.MaxStore, b.MaxStreams, b.MaxConsumers));
        Assert.Null(o.Accounts[2].JetStream);
        JetStreamAccountLimits d = o.Accounts[3].JetStream!;
        Assert.Equal((5L, 6L, 7, 8, 3L, 4L), (d.MaxMemory, d.MaxStore, d.MaxStreams, d.MaxConsumers, d.MemoryMaxStreamBytes, d.StoreMaxStreamBytes));
        Assert.Null(o.Accounts[4].JetStream);
    }

    [Theory]
    [InlineData("""accounts { A { jetstream { max_mem: "abc" } } }""", "t.conf:1:27: Expected a parseable size for \"max_mem\", got abc")]
    [InlineData("""accounts { A { jetstream { max_bytes: 5 } } }""", "t.conf:1:27: Expected a parseable bool for \"max_bytes\", got 5")]
    [InlineData("""accounts { A { jetstream { foo: 1 } } }""", "t.conf:1:27: unknown field \"foo\"")]
    [InlineData("""accounts { A { jetstream: maybe } }""", "Expected 'enabled' or 'disabled' for string value, got 'maybe'")]
    [InlineData("""accounts { A { jetstream: 5 } }""", "Expected map, bool or string to define JetStream, got int64")]
    public void Bad_values_are_refused_as_nats_server_refuses_them(string text, string verdict)
    {
        Assert.Equal(verdict, Verdict(text));
    }
}
