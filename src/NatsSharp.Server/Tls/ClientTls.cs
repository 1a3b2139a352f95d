using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Tls;

/// <summary>
/// TLS on the client port: the settings loaded at start and swapped on reload, and the once-a-second
/// warning of connections <c>connection_rate_limit</c> refused (as nats-server logs it).
/// </summary>
internal sealed class ClientTls : IDisposable
{
    private readonly bool _withoutCertificate;
    private readonly Timer? _rateLog;
    private TlsSetup? _setup;

    public ClientTls(ServerOptions options, ServerLog log)
    {
        _withoutCertificate = options.TlsEnabled && options.TlsWithoutCertificate;
        _setup = options.TlsEnabled && !options.TlsWithoutCertificate ? TlsSetup.Load(options.ClientTls) : null;
        if (_setup is not null)
        {
            _rateLog = new Timer(
                static s =>
                {
                    var (self, log) = ((ClientTls, ServerLog))s!;
                    if (self.Setup?.RateLimiter?.TakeBlocked() is > 0 and long blocked)
                    {
                        log.Warn($"Rejected {blocked} connections due to TLS rate limiting");
                    }
                },
                (this, log),
                TimeSpan.FromSeconds(1),
                TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Loaded settings (null when clients speak plaintext, or a <c>tls { }</c> block has no certificate).</summary>
    public TlsSetup? Setup => Volatile.Read(ref _setup);

    /// <summary>Clients are offered TLS: with a certificate, or without one (every handshake fails, as in nats-server).</summary>
    public bool On => Setup is not null || _withoutCertificate;

    public bool WithoutCertificate => _withoutCertificate;

    /// <summary><see cref="On"/>, also before start (<paramref name="tls"/> null): what the options ask for.</summary>
    public static bool IsOn(ClientTls? tls, ServerOptions options) => tls?.On ?? (options.TlsEnabled && options.TlsWithoutCertificate);

    /// <summary>Puts <paramref name="next"/> in force for new connections; true if the pinned certificates changed.</summary>
    public bool Swap(TlsSetup next)
    {
        TlsSetup? before = Interlocked.Exchange(ref _setup, next);
        return before is null || !before.PinnedCerts.SetEquals(next.PinnedCerts);
    }

    public void Dispose() => _rateLog?.Dispose();
}
