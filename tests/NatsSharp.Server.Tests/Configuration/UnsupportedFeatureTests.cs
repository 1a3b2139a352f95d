using NatsSharp.Server.Configuration;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>Accepted-but-unused config: operator (JWT) mode is refused at start, ignored features are named in warnings.</summary>
public sealed class UnsupportedFeatureTests
{
    private static ServerOptions Bind(string text)
    {
        using var dir = new TempConfigDir();
        return ConfigBinder.Load(dir.Write("t.conf", text)).Options;
    }

    [Theory]
    [InlineData("operator: \"/etc/nats/op.jwt\"\nresolver: MEMORY\n", "operator")]
    [InlineData("trusted_keys: [\"OABC\"]\n", "trusted_keys")]
    [InlineData("resolver: { type: full, dir: \"/tmp/jwt\" }\n", "resolver")]
    public void Operator_mode_is_refused_rather_than_run_without_its_authentication(string config, string key)
    {
        ServerOptions options = Bind(config);
        var ex = Assert.Throws<NatsServerException>(() => NatsServer.Validate(options));
        Assert.Equal($"operator mode (JWT authentication, '{key}') is not supported by NatsSharp: refusing to start without the authentication the configuration asks for", ex.Message);
    }

    [Fact]
    public void Ignored_features_are_named_once_each()
    {
        ServerOptions options = Bind("gateway { name: A, port: 7222 }\ngateway { name: B, port: 7223 }\nserver_tags: [x]\n");
        NatsServer.Validate(options);
        Assert.Equal(
            ["'gateway' is not supported by NatsSharp yet: the block is ignored"],
            UnsupportedFeatures.Warnings(options));
    }
}
