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

    /// <summary>
    /// Sends INFO, then runs the server side of the handshake within tls.timeout. False if the client is
    /// gone. With <c>allow_non_tls</c> a client whose first byte is not a TLS handshake (or that sends
    /// nothing within the timeout) stays in plaintext, as in nats-server; its bytes are left for the read loop.
    /// <paramref name="tls"/> is null for a <c>tls { }</c> block without a certificate: every handshake fails.
    /// </summary>
    private async Task<bool> UpgradeToTlsAsync(TlsSetup? tls)
    {
        Stream plain = Stream!;
        ServerOptions options = _server.Options;
        using var timeout = new CancellationTokenSource(tls?.Timeout ?? options.TlsTimeout);
        SslStream? ssl = null;
        try
        {
            byte[] info = _server.ClientInfo.Build(this);
            await plain.WriteAsync(info, timeout.Token).ConfigureAwait(false);

            // Look at the first byte without taking it, to tell a plaintext client apart as Go does.
            byte[] first = new byte[1];
            int n;
            try
            {
                n = await Socket!.ReceiveAsync(first, SocketFlags.Peek, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (options.AllowNonTls)
            {
                return true; // nothing within tls.timeout: nats-server goes on in plaintext
            }

            if (n == 0)
            {
                Close(ClosedReason.ClientClosed);
                return false;
            }

            if (first[0] != TlsHandshakeRecord)
            {
                if (options.AllowNonTls)
                {
                    return true;
                }

                _log.Error(Prefix + "TLS handshake error: tls: first record does not look like a TLS handshake");
                Close(ClosedReason.TlsHandshakeError);
                return false;
            }

            if (tls?.RateLimiter is { } limiter && !limiter.Allow())
            {
                // As nats-server: refused in plaintext before the handshake, counted for the warning.
                await plain.WriteAsync("-ERR 'Connection throttling is active. Please try again later.'\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
                Close(ClosedReason.MaxConnectionsExceeded);
                return false;
            }

            if (tls is null)
            {
                await RefuseWithoutCertificateAsync(plain, timeout.Token).ConfigureAwait(false);
                return false;
            }

            ssl = new SslStream(plain, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(tls.AuthenticationOptions, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _log.Error(Prefix + "TLS handshake timeout");
            ssl?.Dispose();
            Close(ClosedReason.TlsHandshakeError);
            return false;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException)
        {
            _log.Error(Prefix + "TLS handshake error: " + (ex.InnerException?.Message ?? ex.Message));
            ssl?.Dispose();
            Close(ClosedReason.TlsHandshakeError);
            return false;
        }

        if (!Tls.PinnedCertificates.Allows(tls.PinnedCerts, ssl.RemoteCertificate))
        {
            _log.Error(Prefix + "TLS handshake error: certificate not pinned");
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
        _log.Debug(Prefix + $"TLS handshake complete");
        _log.Debug(Prefix + $"TLS version {TlsVersion}, cipher suite {TlsCipherSuite}");
        return true;
    }

    /// <summary>
    /// What Go's TLS server does without a certificate: it reads the ClientHello, answers with a fatal
    /// <c>unrecognized_name</c> alert and fails with "tls: no certificates configured". The hello is read
    /// first so that closing does not reset the connection before the client sees the alert.
    /// </summary>
    private async Task RefuseWithoutCertificateAsync(Stream plain, CancellationToken cancellationToken)
    {
        byte[] header = new byte[5];
        await plain.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        int length = (header[3] << 8) | header[4];
        byte[] hello = new byte[length];
        await plain.ReadExactlyAsync(hello, cancellationToken).ConfigureAwait(false);
        await plain.WriteAsync(UnrecognizedNameAlert.ToArray(), cancellationToken).ConfigureAwait(false);
        _log.Error(Prefix + "TLS handshake error: tls: no certificates configured");
        Close(ClosedReason.TlsHandshakeError);
    }

    // A TLS record: alert (21), version 3.3, length 2, level fatal (2), unrecognized_name (112).
    private static ReadOnlySpan<byte> UnrecognizedNameAlert => [21, 3, 3, 0, 2, 2, 112];
}
