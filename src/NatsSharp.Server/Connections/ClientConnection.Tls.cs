using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The TLS upgrade, as nats-server 2.9 does it: INFO goes out in plaintext, then the client
/// starts the handshake on the same socket, and everything after is inside TLS.
/// </summary>
internal sealed partial class ClientConnection
{
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>The key id of the client's certificate (for a pinned_certs reload), or null without one.</summary>
    internal string? PinnedKeyId { get; private set; }

    /// <summary>The negotiated protocol as nats-server names it ("1.3"), null without TLS; for /connz.</summary>
    internal string? TlsVersion { get; private set; }

    /// <summary>The negotiated cipher suite with Go's name ("TLS_AES_128_GCM_SHA256"), null without TLS.</summary>
    internal string? TlsCipherSuite { get; private set; }

    /// <summary>The certificate the client presented, for /connz?auth=1; null without one.</summary>
    internal TlsPeerCert? TlsPeerCertificate { get; private set; }

    /// <summary>Sends INFO, then runs the server side of the handshake within tls.timeout. False if the client is gone.</summary>
    private async Task<bool> UpgradeToTlsAsync(TlsSetup tls)
    {
        Stream plain = Stream!;
        using var timeout = new CancellationTokenSource(tls.Timeout);
        SslStream? ssl = null;
        try
        {
            byte[] info = _server.BuildInfo(this);
            await plain.WriteAsync(info, timeout.Token).ConfigureAwait(false);

            // Look at the first byte without taking it, to tell a plaintext client apart as Go does.
            byte[] first = new byte[1];
            int n = await Socket!.ReceiveAsync(first, SocketFlags.Peek, timeout.Token).ConfigureAwait(false);
            if (n == 0)
            {
                Close(ClosedReason.ClientClosed);
                return false;
            }

            if (first[0] != TlsHandshakeRecord)
            {
                _log.Error(_prefix + "TLS handshake error: tls: first record does not look like a TLS handshake");
                Close(ClosedReason.TlsHandshakeError);
                return false;
            }

            if (tls.RateLimiter is { } limiter && !limiter.Allow())
            {
                // As nats-server: refused in plaintext before the handshake, counted for the warning.
                await plain.WriteAsync("-ERR 'Connection throttling is active. Please try again later.'\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
                Close(ClosedReason.MaxConnectionsExceeded);
                return false;
            }

            ssl = new SslStream(plain, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(tls.AuthenticationOptions, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _log.Error(_prefix + "TLS handshake timeout");
            ssl?.Dispose();
            Close(ClosedReason.TlsHandshakeError);
            return false;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException)
        {
            _log.Error(_prefix + "TLS handshake error: " + (ex.InnerException?.Message ?? ex.Message));
            ssl?.Dispose();
            Close(ClosedReason.TlsHandshakeError);
            return false;
        }

        if (!Tls.PinnedCertificates.Allows(tls.PinnedCerts, ssl.RemoteCertificate))
        {
            _log.Error(_prefix + "TLS handshake error: certificate not pinned");
            ssl.Dispose();
            Close(ClosedReason.TlsHandshakeError);
            return false;
        }

        ReplaceStream(ssl);
        if (ssl.RemoteCertificate is X509Certificate remote)
        {
            using var cert = new X509Certificate2(remote);
            CertificateNames = Tls.CertificateNames.Of(cert);
            PinnedKeyId = Tls.PinnedCertificates.KeyId(cert);
            TlsPeerCertificate = TlsPeerCert.Of(cert);
        }

        TlsVersion = CipherSuiteNames.GoVersion(ssl.SslProtocol);
        TlsCipherSuite = CipherSuiteNames.GoName(ssl.NegotiatedCipherSuite);
        _log.Debug(_prefix + $"TLS handshake complete");
        _log.Debug(_prefix + $"TLS version {TlsVersion}, cipher suite {TlsCipherSuite}");
        return true;
    }
}
