using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// Live reload of <c>cluster {}</c>, as nats-server 2.9.10 applies it: routes are added and
/// removed; name, authorization, permissions, advertise, no_advertise, connect_retries and tls
/// take effect at once. (Host and port are refused before this runs, see OptionsDiff.)
/// </summary>
internal sealed partial class ClusterManager
{
    /// <summary>
    /// Applies the reloaded settings other than routes (see <see cref="UpdateRoutes"/>).
    /// <paramref name="tls"/> is the new route TLS when it changed (loaded before anything changed).
    /// </summary>
    public void Reload(ClusterOptions next, bool permissionsChanged, (RouteTls? Value, bool Changed) tls)
    {
        if (tls.Changed)
        {
            // As nats-server: routes already up keep their connection; new ones use the new settings.
            Options.Tls = next.Tls?.Clone();
            Tls = tls.Value;
        }

        bool clientsSeeChange = next.NoAdvertise != Options.NoAdvertise || (next.Name.Length > 0 && next.Name != Name);
        Options.Username = next.Username;
        Options.Password = next.Password;
        Options.AuthTimeout = next.AuthTimeout;
        Options.Advertise = next.Advertise;
        Options.NoAdvertise = next.NoAdvertise;
        Options.ConnectRetries = next.ConnectRetries;
        Options.Permissions = next.Permissions;

        // As nats-server: a new name replaces the current one; removing it keeps the current one.
        if (next.Name.Length > 0 && next.Name != Name)
        {
            _name.Configure(next.Name);
        }

        // Accepted routes must still present valid credentials; we cannot check the ones we dialled.
        foreach (RouteConnection route in _peers.Running)
        {
            if (!route.IsSolicited && !route.IsClosing && AuthRequired && !route.PresentedValidCredentials())
            {
                route.AuthorizationViolation();
            }
        }

        if (permissionsChanged)
        {
            _interest.ApplyPermissions(Options.Permissions is { } p ? new CompiledPermissions(p) : null, BuildRouteInfoLine());
        }

        if (clientsSeeChange)
        {
            _server.OnClusterChanged(); // connect_urls (no_advertise) and the cluster name in client INFO
        }
    }

    /// <summary>
    /// Reload: dial the routes that were added, close (without reconnecting) the ones we dialled
    /// for routes that were removed, as nats-server does, and redial a route whose URL changed
    /// only in its credentials (its solicit loop picks up the new URL).
    /// </summary>
    public void UpdateRoutes(IReadOnlyList<Uri> routes)
    {
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Uri url in routes)
        {
            wanted.TryAdd(RouteDialer.Key(url), url.ToString());
        }

        List<Uri> before = Options.Routes;
        Options.Routes = [.. routes];
        foreach (Uri old in before)
        {
            bool removed = !wanted.TryGetValue(RouteDialer.Key(old), out string? url);
            if (!removed && url == old.ToString())
            {
                continue;
            }

            if (removed)
            {
                _dialer.Forget(old);
            }

            foreach (RouteConnection route in _peers.Running)
            {
                if (route.SolicitedUrl is { } dialled && RouteDialer.Key(dialled) == RouteDialer.Key(old))
                {
                    route.Close(Connections.ClosedReason.RouteRemoved);
                    if (removed)
                    {
                        _log.Notice($"Removed route {old}");
                    }
                }
            }
        }

        var known = before.Select(RouteDialer.Key).ToHashSet(StringComparer.Ordinal);
        foreach (Uri url in routes.Where(u => !known.Contains(RouteDialer.Key(u))))
        {
            Solicit(url, explicitRoute: true);
        }
    }
}
