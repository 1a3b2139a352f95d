using NatsSharp.Server.Cluster;
using NatsSharp.Server.Reload;

namespace NatsSharp.Server.Tests.Reload;

/// <summary>The reload verdicts: explicit for every option, nats-server's words for each outcome.</summary>
public sealed class OptionsDiffTests
{
    [Fact]
    public void Every_option_has_an_explicit_reload_verdict()
    {
        IReadOnlySet<string> covered = OptionsDiff.CoveredProperties();
        string[] missing = [.. typeof(ServerOptions).GetProperties()
            .Where(p => p.CanWrite && !covered.Contains(p.Name))
            .Select(p => p.Name)];
        Assert.True(missing.Length == 0, "add these ServerOptions properties to OptionsDiff (reloadable or refused): " + string.Join(", ", missing));
    }

    [Fact]
    public void Identical_options_reload_nothing_but_the_always_listed_lines()
    {
        OptionsDiff diff = OptionsDiff.Compute(new ServerOptions(), new ServerOptions());
        Assert.Equal(["authorization users", "accounts"], diff.Reloaded);
        Assert.False(diff.LoggingChanged);
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    public void Turning_jetstream_on_or_off_is_reloadable_as_nats_server_logs_it(bool before, bool after, bool logged)
    {
        var old = new ServerOptions { JetStream = before ? new NatsSharp.Server.JetStream.JetStreamOptions { StoreDir = "/sd" } : null };
        var next = new ServerOptions { JetStream = after ? new NatsSharp.Server.JetStream.JetStreamOptions { StoreDir = "/sd" } : null };
        OptionsDiff diff = OptionsDiff.Compute(old, next);
        Assert.Equal(logged, diff.Reloaded.Contains("JetStream"));
        Assert.Equal(["authorization users", "accounts"], diff.Reloaded.Take(2));
    }

    [Theory]
    [InlineData("Port", "config reload not supported for Port: old=4222, new=4241")]
    [InlineData("NoHeaderSupport", "config reload not supported for NoHeaderSupport: old=false, new=true")]
    [InlineData("LameDuckGracePeriod", "config reload not supported for LameDuckGracePeriod: old=10s, new=1m30s")]
    [InlineData("HTTPBasePath", "config reload not supported for HTTPBasePath: old=/, new=/nats")]
    [InlineData("NoSublistCache", "config reload not supported for NoSublistCache: old=false, new=true")]
    public void Refusals_name_the_go_field_and_print_values_like_go(string field, string message)
    {
        var next = new ServerOptions();
        switch (field)
        {
            case "Port": next.Port = 4241; break;
            case "NoHeaderSupport": next.NoHeaderSupport = true; break;
            case "LameDuckGracePeriod": next.LameDuckGracePeriod = TimeSpan.FromSeconds(90); break;
            case "HTTPBasePath": next.HttpBasePath = "/nats"; break;
            case "NoSublistCache": next.DisableSublistCache = true; break;
        }

        var ex = Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(new ServerOptions(), next));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Reloadable_changes_are_listed_in_nats_server_order_and_secrets_are_not_printed()
    {
        var next = new ServerOptions
        {
            Trace = true,
            Logtime = false,
            Password = "hunter2",
            PingMax = 5,
            AuthTimeout = TimeSpan.FromSeconds(0.5),
            MaxPayload = 2048,
            PidFile = "/run/n.pid",
            LogFile = "/var/log/n.log",
            RemoteSyslog = "udp://127.0.0.1:514",
            MaxTracedMsgLen = 64,
            PortsFileDir = "/tmp", // ignored, as nats-server
        };
        OptionsDiff diff = OptionsDiff.Compute(new ServerOptions(), next);
        Assert.Equal(
            [
                "trace = true", "logtime = false", "authorization users", "accounts", "authorization password",
                "ping_max = 5", "authorization timeout = 0.5", "max_payload = 2048", "pid_file = /run/n.pid",
                "log_file = /var/log/n.log", "remote_syslog = udp://127.0.0.1:514", "max_traced_msg_len = 64",
            ],
            diff.Reloaded);
        Assert.True(diff.LoggingChanged);
    }

    [Fact]
    public void Cluster_host_and_port_are_refused_like_nats_server()
    {
        var clustered = new ServerOptions { Cluster = new ClusterOptions { Host = "127.0.0.1", Port = 6222 } };
        var ex = Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(new ServerOptions(), clustered));
        Assert.Equal("config reload not supported for cluster host: old=, new=127.0.0.1", ex.Message);

        ServerOptions moved = clustered.Clone();
        moved.Cluster!.Port = 6223;
        ex = Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(clustered, moved));
        Assert.Equal("config reload not supported for cluster port: old=6222, new=6223", ex.Message);
    }

    [Fact]
    public void Cluster_routes_settings_and_tls_reload_live()
    {
        var before = new ServerOptions { Cluster = new ClusterOptions { Routes = [new Uri("nats-route://a:6222"), new Uri("nats-route://b:6222")] } };
        ServerOptions reordered = before.Clone();
        reordered.Cluster!.Routes.Reverse();
        OptionsDiff same = OptionsDiff.Compute(before, reordered);
        Assert.Equal(["authorization users", "accounts"], same.Reloaded);
        Assert.False(same.RoutesChanged);
        Assert.False(same.ClusterChanged);

        ServerOptions added = before.Clone();
        added.Cluster!.Routes.Add(new Uri("nats-route://c:6222"));
        added.PidFile = "/run/n.pid";
        OptionsDiff diff = OptionsDiff.Compute(before, added);
        Assert.True(diff.RoutesChanged);
        Assert.Equal(["authorization users", "accounts", "pid_file = /run/n.pid", "cluster routes"], diff.Reloaded); // nats-server's field order

        foreach (Action<ClusterOptions> change in new Action<ClusterOptions>[]
        {
            c => c.Name = "other",
            c => c.Username = "r",
            c => c.Password = "p",
            c => c.AuthTimeout = TimeSpan.FromSeconds(5),
            c => c.Advertise = "h:1",
            c => c.NoAdvertise = true,
            c => c.ConnectRetries = 3,
            c => c.Permissions = new NatsSharp.Server.Auth.Permissions { Publish = new NatsSharp.Server.Protocol.SubjectPermission { Allow = ["a.>"] } },
        })
        {
            ServerOptions next = before.Clone();
            change(next.Cluster!);
            OptionsDiff changed = OptionsDiff.Compute(before, next);
            Assert.True(changed.ClusterChanged);
            Assert.Equal(next.Cluster!.Permissions is not null, changed.ClusterPermissionsChanged);
            Assert.Equal(["authorization users", "accounts", "cluster"], changed.Reloaded);
        }

        ServerOptions secured = before.Clone();
        secured.Cluster!.Tls = new Server.Tls.TlsOptions { CertFile = "c.pem", KeyFile = "k.pem" };
        OptionsDiff tlsOn = OptionsDiff.Compute(before, secured);
        Assert.True(tlsOn.ClusterTlsChanged);
        Assert.Equal(["authorization users", "accounts", "cluster"], tlsOn.Reloaded);

        // nats-server's deep compare of its route tls.Config always differs: "cluster" on every
        // reload, and NatsSharp reads the certificates again (rotated files keep their names).
        OptionsDiff again = OptionsDiff.Compute(secured, secured.Clone());
        Assert.Equal(["authorization users", "accounts", "cluster"], again.Reloaded);
        Assert.True(again.ClusterTlsChanged);
        Assert.False(OptionsDiff.Compute(before, before.Clone()).ClusterTlsChanged);

        Assert.True(OptionsDiff.Compute(secured, before).ClusterTlsChanged); // off again

        ServerOptions badAdvertise = before.Clone();
        badAdvertise.Cluster!.Advertise = "h:x";
        var ex = Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(before, badAdvertise));
        Assert.Equal("invalid Cluster.Advertise value of h:x, err=strconv.Atoi: parsing \"x\": invalid syntax", ex.Message);
    }

    [Fact]
    public void Leafnode_transport_changes_are_refused()
    {
        var before = new ServerOptions
        {
            LeafNodes = new LeafNodes.LeafNodeOptions
            {
                Tls = new Server.Tls.TlsOptions { CertFile = "a.pem", KeyFile = "a-key.pem" },
                Remotes = [new LeafNodes.LeafRemote { Urls = [new Uri("tls://hub:7422")], Credentials = "a.creds" }],
            },
        };
        Assert.Equal(["authorization users", "accounts"], OptionsDiff.Compute(before, before.Clone()).Reloaded);

        foreach (Action<LeafNodes.LeafNodeOptions> change in new Action<LeafNodes.LeafNodeOptions>[]
        {
            l => l.Tls!.Verify = true,
            l => l.Tls!.HandshakeFirst = true,
            l => l.Remotes[0].Credentials = "b.creds",
            l => l.Remotes[0].Tls = new Server.Tls.TlsOptions { Insecure = true },
            l => l.Remotes[0].WebSocketCompression = true,
        })
        {
            ServerOptions next = before.Clone();
            change(next.LeafNodes!);
            var ex = Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(before, next));
            Assert.Contains("leafnodes", ex.Message);
        }
    }
}
