using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>A raw protocol client that reads the plaintext INFO, then upgrades to TLS, as NATS clients do.</summary>
internal sealed class TlsClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly TcpClient _tcp;
    private readonly SslStream _ssl;
    private readonly StreamReader _reader;

    private TlsClient(TcpClient tcp, SslStream ssl, string info)
    {
        _tcp = tcp;
        _ssl = ssl;
        Info = info;
        _reader = new StreamReader(ssl, Encoding.UTF8);
    }

    public string Info { get; }

    /// <summary>The certificate the server presented.</summary>
    public X509Certificate2? ServerCertificate => _ssl.RemoteCertificate is { } c ? new X509Certificate2(c) : null;

    /// <summary>Connects and handshakes; throws AuthenticationException or IOException when the server refuses.</summary>
    public static async Task<TlsClient> ConnectAsync(int port, X509Certificate2 trustedCa, X509Certificate2? clientCertificate = null, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Timeout);
        NetworkStream net = tcp.GetStream();
        string info = await ReadPlainLineAsync(net);
        var ssl = new SslStream(net, false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, cert, _, _) => Trusted(cert, trustedCa),
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options).WaitAsync(Timeout);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        return new TlsClient(tcp, ssl, info);
    }

    public static bool Trusted(X509Certificate? cert, X509Certificate2 ca)
    {
        if (cert is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }

    public async Task SendAsync(string text)
    {
        await _ssl.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask().WaitAsync(Timeout);
        await _ssl.FlushAsync();
    }

    /// <summary>The next line, or null once the server has closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        try
        {
            return await _reader.ReadLineAsync().WaitAsync(Timeout);
        }
        catch (Exception e) when (Infrastructure.RawClient.IsClosedByServer(e))
        {
            return null;
        }
    }

    /// <summary>Reads the INFO line byte by byte, so nothing of the TLS handshake is consumed.</summary>
    public static async Task<string> ReadPlainLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        byte[] one = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            int n = await stream.ReadAsync(one).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                break;
            }

            if (one[0] == '\n')
            {
                break;
            }

            bytes.Add(one[0]);
        }

        return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _ssl.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
