using System.Net.Security;
using System.Security.Authentication;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// TLS on the hub's leafnode listener. As nats-server 2.9.10: the INFO goes out in plaintext
/// (with <c>tls_required</c>), then the leaf starts the handshake. With <c>handshake_first</c>
/// (2.10) the handshake comes first and the INFO travels inside it. <c>verify</c> asks for the
/// leaf's certificate and checks it against <c>ca_file</c> (<see cref="TlsSetup"/>).
/// </summary>
internal sealed class LeafHubTls
{
    private readonly TlsSetup _setup;

    private LeafHubTls(TlsSetup setup, bool handshakeFirst)
    {
        _setup = setup;
        HandshakeFirst = handshakeFirst;
    }

    public bool HandshakeFirst { get; }

    public bool Verify => _setup.Verify;

    /// <summary>Loads the certificate files; throws <see cref="NatsServerException"/> naming the file.</summary>
    public static LeafHubTls Load(TlsOptions options) => new(TlsSetup.Load(options), options.HandshakeFirst);

    /// <summary>
    /// Secures an accepted connection, writing <paramref name="info"/> in plaintext first unless
    /// the handshake comes first. Null when it failed (logged as nats-server does).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The SslStream is returned to the connection, which closes it; a failed handshake disposes it.")]
    public async Task<Stream?> AcceptAsync(Stream plain, ReadOnlyMemory<byte> info, ServerLog log, string prefix)
    {
        using var timeout = new CancellationTokenSource(_setup.Timeout);
        var ssl = new SslStream(plain, leaveInnerStreamOpen: false);
        try
        {
            if (!HandshakeFirst)
            {
                await plain.WriteAsync(info, timeout.Token).ConfigureAwait(false);
            }

            log.Debug(prefix + "Starting TLS leafnode server handshake");
            await ssl.AuthenticateAsServerAsync(_setup.AuthenticationOptions, timeout.Token).ConfigureAwait(false);
            if (!PinnedCertificates.Allows(_setup.PinnedCerts, ssl.RemoteCertificate))
            {
                throw new AuthenticationException("certificate not pinned");
            }

            log.Debug(prefix + $"TLS handshake complete ({ssl.SslProtocol}, {ssl.NegotiatedCipherSuite})");
            return ssl;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            log.Error(prefix + $"TLS leafnode handshake error: {(ex is OperationCanceledException ? "timeout" : ex.Message)}");
            await ssl.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }
}
