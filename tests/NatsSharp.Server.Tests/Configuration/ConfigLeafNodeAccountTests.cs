using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Reload;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>leafnodes { authorization { account, users } }, remotes' account, compression, and their start-up checks.</summary>
public sealed class ConfigLeafNodeAccountTests
{
    private const string Accounts = "accounts { A { users [{user: a, password: a}] }, B { users [{user: b, password: b}] } }\n";

    [Fact]
    public void Remote_deny_imports_and_exports_take_a_subject_or_a_list()
    {
        ServerOptions o = Bind("""
            leafnodes {
              remotes = [ { url: "nats-leaf://127.0.0.1:7422", deny_imports: "secret.>", deny_exports: ["private.>", "audit"] } ]
            }
            """).Options;
        LeafRemote remote = o.LeafNodes!.Remotes[0];
        Assert.Equal(["secret.>"], remote.DenyImports);
        Assert.Equal(["private.>", "audit"], remote.DenyExports);
    }

    [Fact]
    public void Leaf_authorization_binds_users_with_their_accounts()
    {
        LeafNodeOptions leaf = Bind(Accounts + """
            leafnodes {
              listen: 127.0.0.1:7422
              authorization {
                timeout: 0.5
                users: [
                  { user: la, password: pa, account: A }
                  { username: lb, pass: pb, account: B }
                  { user: lg, password: pg }
                ]
              }
            }
            """).Options.LeafNodes!;
        Assert.Equal([("la", "pa", "A"), ("lb", "pb", "B"), ("lg", "pg", "")], leaf.Users.Select(u => (u.Username, u.Password, u.Account)));
        Assert.Equal(TimeSpan.FromSeconds(0.5), leaf.AuthTimeout);
        Assert.Equal("", leaf.Username);
    }

    [Fact]
    public void Leaf_authorization_single_user_and_credential_free_account()
    {
        LeafNodeOptions single = Bind(Accounts + "leafnodes { authorization { user: l, password: p, account: B } }").Options.LeafNodes!;
        Assert.Equal(("l", "p", "B"), (single.Username, single.Password, single.Account));
        LeafNodeOptions free = Bind(Accounts + "leafnodes { authorization { account: A } }").Options.LeafNodes!;
        Assert.Equal(("", "A"), (free.Username, free.Account));
    }

    [Fact]
    public void Remotes_take_account_or_local()
    {
        LeafNodeOptions leaf = Bind(Accounts + """
            leafnodes {
              remotes: [
                { url: "nats-leaf://la:pa@hub:7422", account: A }
                { url: "nats-leaf://lb:pb@hub:7422", local: B }
                { url: "nats-leaf://hub:7422" }
              ]
            }
            """).Options.LeafNodes!;
        Assert.Equal(["A", "B", ""], leaf.Remotes.Select(r => r.LocalAccount));
        LeafNodeOptions copy = leaf.Clone();
        Assert.Equal(["A", "B", ""], copy.Remotes.Select(r => r.LocalAccount));
        Assert.True(LeafNodeOptions.SameSettings(leaf, copy));
    }

    [Theory]
    [InlineData("leafnodes { authorization { users: 5 } }", "t.conf:1:28: Expected users field to be an array, got 5")]
    [InlineData("leafnodes { authorization { users: [ x ] } }", "t.conf:1:37: Expected user entry to be a map/struct, got x")]
    [InlineData("leafnodes { authorization { users: [ {user: l, password: p, perms: 1} ] } }", "t.conf:1:60: unknown field \"perms\"")]
    [InlineData("leafnodes { authorization { users: [ {user: 1} ] } }", "t.conf:1:38: interface conversion: interface {} is int64, not string")]
    [InlineData("leafnodes { authorization { account: 1 } }", "t.conf:1:28: interface conversion: interface {} is int64, not string")]
    [InlineData("leafnodes { remotes: [ {url: \"nats-leaf://h:1\", account: true} ] }", "t.conf:1:48: interface conversion: interface {} is bool, not string")]
    public void Leaf_account_settings_with_a_wrong_shape_name_their_position(string text, string expected) =>
        Assert.Equal(expected, Verdict(text));

    [Theory]
    [InlineData("\"s2_fast\"", "s2_fast")]
    [InlineData("true", "s2_auto")]
    [InlineData("false", "off")]
    [InlineData("on", "s2_auto")] // on/off are booleans in the config language
    [InlineData("accept", "accept")]
    [InlineData("BEST", "BEST")]
    [InlineData("{ mode: s2_auto, rtt_thresholds: [\"10ms\", \"50ms\", \"100ms\"] }", "s2_auto")]
    public void Compression_accepts_the_2_10_forms(string value, string mode)
    {
        LeafNodeOptions leaf = Bind($"leafnodes {{ compression: {value}, remotes: [ {{url: \"nats-leaf://h:1\", compression: {value}}} ] }}").Options.LeafNodes!;
        Assert.Equal(mode, leaf.Compression.Mode);
        Assert.Equal(mode, leaf.Remotes[0].Compression.Mode);
        Assert.NotNull(CompressionOptions.Normalize(mode, leaf.Compression.RttThresholds, out _));
    }

    [Fact]
    public void Compression_thresholds_are_durations()
    {
        CompressionOptions c = Bind("leafnodes { compression: { mode: auto, thresholds: [\"5ms\", \"0\", \"1s\"] } }").Options.LeafNodes!.Compression;
        Assert.Equal([TimeSpan.FromMilliseconds(5), TimeSpan.Zero, TimeSpan.FromSeconds(1)], c.RttThresholds);
        Assert.Equal(CompressionOptions.S2Auto, CompressionOptions.Normalize(c.Mode, c.RttThresholds, out _));
    }

    [Theory]
    [InlineData("leafnodes {\n  compression: gzip\n}", "t.conf:2:3: unsupported compression mode \"gzip\"")]
    [InlineData("leafnodes { remotes: [ {url: \"nats-leaf://h:1\", compression: \"s3\"} ] }", "t.conf:1:48: unsupported compression mode \"s3\"")]
    [InlineData("leafnodes { compression: 1 }", "t.conf:1:12: field \"compression\" should be a boolean or a structure, got int64")]
    [InlineData("leafnodes { compression: { mode: fastest } }", "t.conf:1:27: unsupported compression mode \"fastest\"")]
    [InlineData("leafnodes { compression: { mode: s2_auto, level: 3 } }", "t.conf:1:42: unknown field \"level\"")]
    [InlineData("leafnodes { compression: { mode: s2_auto, rtt_thresholds: [\"10x\"] } }", "t.conf:1:60: time: unknown unit \"x\" in duration \"10x\"")]
    [InlineData("leafnodes { compression: { mode: s2_auto, rtt_thresholds: [\"50ms\", \"10ms\"] } }", "t.conf:1:27: RTT threshold values [50ms 10ms] should be in ascending order")]
    [InlineData("leafnodes { compression: { mode: s2_auto, rtt_thresholds: [\"1ms\", \"2ms\", \"3ms\", \"4ms\", \"5ms\"] } }", "t.conf:1:27: compression mode \"s2_auto\" should have no more than 4 RTT thresholds: [1ms 2ms 3ms 4ms 5ms]")]
    [InlineData("leafnodes { compression: { mode: s2_auto, rtt_thresholds: [\"0s\"] } }", "t.conf:1:27: compression mode \"s2_auto\" requires at least one RTT threshold")]
    public void Bad_compression_is_a_config_error_at_its_position(string text, string expected) =>
        Assert.Equal(expected, Verdict(text));

    [Theory]
    [InlineData("leafnodes { listen: \"127.0.0.1:-1\", authorization { account: NOPE } }", "cannot find local account \"NOPE\" specified in leafnode authorization")]
    [InlineData("leafnodes { listen: \"127.0.0.1:-1\", authorization { users: [ {user: l, password: p, account: NOPE} ] } }", "cannot find local account \"NOPE\" specified in leafnode authorization")]
    [InlineData("leafnodes { remotes: [ {url: \"nats-leaf://h:1\", account: NOPE} ] }", "cannot find local account \"NOPE\" specified in leafnode remote")]
    [InlineData("leafnodes { authorization { user: x, password: y, users: [ {user: l, password: p} ] } }", "can not have a single user/pass and a users array")]
    [InlineData("leafnodes { authorization { users: [ {user: l, password: p}, {user: l, password: q} ] } }", "duplicate user \"l\" detected in leafnode authorization")]
    public void Start_up_checks_match_nats_server(string text, string expected)
    {
        // -t accepts these (nats-server checks them only when starting), so they are not binder errors.
        ServerOptions o = Bind(Accounts + text).Options;
        var ex = Assert.Throws<NatsServerException>(() => NatsServer.Validate(o));
        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Known_accounts_and_the_system_account_pass_the_start_up_checks()
    {
        NatsServer.Validate(Bind(Accounts + """
            leafnodes {
              authorization { account: A, users: [ {user: l, password: p, account: B}, {user: g, password: p} ] }
              remotes: [ {url: "nats-leaf://h:1", account: A}, {url: "nats-leaf://h:2", account: "$SYS"}, {url: "nats-leaf://h:3", account: "$G"} ]
            }
            """).Options);
    }

    [Fact]
    public void An_embedder_gets_the_compression_check_at_start()
    {
        var o = new ServerOptions { LeafNodes = new LeafNodeOptions { Compression = new CompressionOptions { Mode = "zstd" } } };
        Assert.Equal("unsupported compression mode \"zstd\"", Assert.Throws<NatsServerException>(() => NatsServer.Validate(o)).Message);
    }

    [Fact]
    public void Reload_refuses_a_change_of_leaf_accounts()
    {
        ServerOptions before = Bind(Accounts + "leafnodes { remotes: [ {url: \"nats-leaf://h:1\", account: A} ] }").Options;
        ServerOptions after = Bind(Accounts + "leafnodes { remotes: [ {url: \"nats-leaf://h:1\", account: B} ] }").Options;
        Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(before, after));
        ServerOptions users = Bind(Accounts + "leafnodes { authorization { users: [ {user: l, password: p, account: A} ] } }").Options;
        ServerOptions moved = Bind(Accounts + "leafnodes { authorization { users: [ {user: l, password: p, account: B} ] } }").Options;
        Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(users, moved));
        OptionsDiff.Compute(users, Bind(Accounts + "leafnodes { authorization { users: [ {user: l, password: p, account: A} ] } }").Options);
    }
}
