using NatsSharp.Server.Configuration;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>Every shipped config under configs/ must parse, bind and pass the -t check.</summary>
public sealed class SampleConfigTests
{
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(ConfigTestSupport.RepoRoot(), "configs"), "*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(ConfigTestSupport.RepoRoot(), file));
        }
        return data;
    }

    [Fact]
    public void TheSamplesExist()
    {
        string configs = Path.Combine(ConfigTestSupport.RepoRoot(), "configs");
        Assert.True(File.Exists(Path.Combine(configs, "gnatsd.conf")));
        Assert.True(File.Exists(Path.Combine(configs, "minimal.conf")));
        Assert.True(File.Exists(Path.Combine(configs, "tls-cluster", "nats.conf")));
        Assert.True(File.Exists(Path.Combine(configs, "embedded.conf")));
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void SampleIsValid(string relativePath)
    {
        Assert.Null(ConfigBinder.Check(Prepared(relativePath)));
    }

    /// <summary>
    /// Samples name their certificates under /etc/natssharp/certs, where an operator puts them; binding
    /// loads TLS files (as nats-server does), so tests point a copy at throwaway certificates instead.
    /// </summary>
    private static string Prepared(string relativePath)
    {
        string file = Path.Combine(ConfigTestSupport.RepoRoot(), relativePath);
        string text = File.ReadAllText(file);
        if (!text.Contains("/etc/natssharp/certs", StringComparison.Ordinal))
        {
            return file;
        }

        string dir = Directory.CreateTempSubdirectory("natssharp-sample-").FullName;
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", ec, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(dir, "server.pem"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "ca.pem"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server-key.pem"), ec.ExportPkcs8PrivateKeyPem());
        string copy = Path.Combine(dir, Path.GetFileName(file));
        File.WriteAllText(copy, text.Replace("/etc/natssharp/certs", dir, StringComparison.Ordinal));
        return copy;
    }

    [Fact]
    public void GnatsdSampleBindsTheDocumentedValues()
    {
        ServerOptions o = ConfigBinder.Load(Path.Combine(ConfigTestSupport.RepoRoot(), "configs", "gnatsd.conf")).Options;
        Assert.Equal(("127.0.0.1", 4242), (o.Host, o.Port));
        Assert.Equal(8222, o.HttpPort);
        Assert.Equal(("derek", "T0pS3cr3t"), (o.Username, o.Password));
        Assert.Equal(TimeSpan.FromSeconds(1), o.AuthTimeout);
        Assert.Equal((65536, 1048576, 4096), (o.MaxConnections, o.MaxPayload, o.MaxControlLine));
        Assert.Equal((TimeSpan.FromMinutes(1), 2), (o.PingInterval, o.PingMax));
        Assert.Equal(TimeSpan.FromSeconds(10), o.WriteDeadline);
    }

    [Fact]
    public void MinimalSampleIsTheDefaults()
    {
        ServerOptions o = ConfigBinder.Load(Path.Combine(ConfigTestSupport.RepoRoot(), "configs", "minimal.conf")).Options;
        Assert.Equal(("0.0.0.0", 4222), (o.Host, o.Port));
    }

    [Fact]
    public void TlsClusterSampleBindsItsLimitsAndKeepsTheClusterAndTlsBlocks()
    {
        ConfigLoadResult result = ConfigBinder.Load(Prepared(Path.Combine("configs", "tls-cluster", "nats.conf")));
        Assert.Equal((100L * 1024 * 1024, 8 * 1024 * 1024, 50000), (result.Options.MaxPending, result.Options.MaxPayload, result.Options.MaxConnections));
        Assert.Equal(8222, result.Options.HttpPort);
    }

    [Fact]
    public void EmbeddedSampleBindsNameTokenAndTimers()
    {
        ServerOptions o = ConfigBinder.Load(Path.Combine(ConfigTestSupport.RepoRoot(), "configs", "embedded.conf")).Options;
        Assert.Equal("bindplane-1", o.ServerName);
        Assert.Equal("change-me-bindplane-token", o.AuthToken);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)), (o.WriteDeadline, o.PingInterval));
    }
}
