using NatsSharp.Server.Cluster;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

public sealed class ConfigClusterTests
{
    [Fact]
    public void Cluster_block_binds_every_key()
    {
        ServerOptions o = Bind("""
            cluster {
              name: demo
              listen: 127.0.0.1:6333
              advertise: "nats1.example.com:6333"
              no_advertise: true
              connect_retries: 5
              authorization { user: ruser, password: rpass, timeout: 0.5 }
              routes: [
                nats-route://ruser:rpass@127.0.0.1:6334
                nats://127.0.0.1:6335
              ]
            }
            """).Options;
        ClusterOptions c = Assert.IsType<ClusterOptions>(o.Cluster);
        Assert.Equal("demo", c.Name);
        Assert.Equal("127.0.0.1", c.Host);
        Assert.Equal(6333, c.Port);
        Assert.Equal("nats1.example.com:6333", c.Advertise);
        Assert.True(c.NoAdvertise);
        Assert.Equal(5, c.ConnectRetries);
        Assert.Equal("ruser", c.Username);
        Assert.Equal("rpass", c.Password);
        Assert.Equal(TimeSpan.FromSeconds(0.5), c.AuthTimeout);
        Assert.Equal(["nats-route://ruser:rpass@127.0.0.1:6334/", "nats://127.0.0.1:6335/"], c.Routes.Select(u => u.ToString()));
    }

    [Fact]
    public void Route_permissions_bind_import_as_publish_and_export_as_subscribe()
    {
        ServerOptions o = Bind("""
            cluster {
              listen: 127.0.0.1:6333
              permissions { import: ["orders.>"], export: { allow: ["events.>"], deny: ["events.secret"] } }
            }
            """).Options;
        NatsSharp.Server.Auth.Permissions p = o.Cluster!.Permissions!;
        Assert.Equal(["orders.>"], p.Publish!.Allow!);
        Assert.Equal(["events.>"], p.Subscribe!.Allow!);
        Assert.Equal(["events.secret"], p.Subscribe.Deny!);
    }

    [Fact]
    public void Host_and_port_keys_and_defaults()
    {
        ClusterOptions c = Bind("cluster { host: 10.0.0.1\nport: 7000 }").Options.Cluster!;
        Assert.Equal("10.0.0.1", c.Host);
        Assert.Equal(7000, c.Port);
        Assert.Equal("", c.Name); // a dynamic name is generated at start-up
        Assert.Empty(c.Routes);
        Assert.Null(Bind("port: 4222").Options.Cluster);
    }

    [Fact]
    public void A_bad_route_url_names_its_position()
    {
        Assert.Equal("t.conf:1:20: error parsing route url [\"nats-route://:x\"]", Verdict("cluster { routes: [\"nats-route://:x\"] }")); // nats-server's text
    }
}
