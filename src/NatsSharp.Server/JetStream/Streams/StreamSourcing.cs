using NatsSharp.Server.JetStream.Api;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>The mirror, sources and republish rules of nats-server 2.9.10's checkStreamCfg, in its order, with its errors.</summary>
internal static class StreamSourcing
{
    private const string ApiPrefix = "$JS.API";

    /// <summary>Mirror and source checks (run before the subjects are defaulted): origin limits, filters, external prefixes, cycles.</summary>
    public static JsApiError? CheckSources(JsAccount js, StreamConfig cfg)
    {
        List<string> streamSubjects = [];
        List<string> deliverPrefixes = [];
        List<string> apiPrefixes = [];
        if (cfg.Mirror is { } mirror)
        {
            if (cfg.Subjects is { Count: > 0 })
            {
                return JsErrors.MirrorWithSubjectsErr;
            }

            if (cfg.Sources is { Count: > 0 })
            {
                return JsErrors.MirrorWithSourcesErr;
            }

            StreamConfig? origin = js.Find(mirror.Name)?.Config;
            streamSubjects.AddRange(origin?.Subjects ?? []);
            if (origin is not null)
            {
                if (cfg.MaxMsgSize > 0 && origin.MaxMsgSize > 0 && cfg.MaxMsgSize < origin.MaxMsgSize)
                {
                    return JsErrors.MirrorMaxMessageSizeTooBigErr;
                }

                if (!FilterOverlaps(mirror.FilterSubject, origin.Subjects))
                {
                    return JsErrors.StreamInvalidConfigF.With($"mirror '{mirror.Name}' filter subject '{mirror.FilterSubject}' does not overlap with any origin stream subject");
                }
            }

            AddPrefixes(mirror.External, deliverPrefixes, apiPrefixes);

            // A mirror inherits the origin's direct gets.
            cfg.MirrorDirect = origin?.AllowDirect ?? false;
        }

        foreach (StreamSourceConfig source in cfg.Sources ?? [])
        {
            StreamConfig? origin = js.Find(source.Name)?.Config;
            streamSubjects.AddRange(origin?.Subjects ?? []);
            if (origin is not null)
            {
                if (cfg.MaxMsgSize > 0 && origin.MaxMsgSize > 0 && cfg.MaxMsgSize < origin.MaxMsgSize)
                {
                    return JsErrors.SourceMaxMessageSizeTooBigErr;
                }

                // nats-server checks against the subjects of all the origins seen so far.
                if (!FilterOverlaps(source.FilterSubject, streamSubjects))
                {
                    return JsErrors.StreamInvalidConfigF.With($"source '{source.Name}' filter subject '{source.FilterSubject}' does not overlap with any origin stream subject");
                }
            }

            AddPrefixes(source.External, deliverPrefixes, apiPrefixes);
        }

        foreach (string prefix in deliverPrefixes)
        {
            if (!JsSubject.IsValidLiteral(prefix))
            {
                return JsErrors.StreamInvalidExternalDeliverySubjErrF.With(prefix);
            }

            foreach (string subject in streamSubjects)
            {
                if (JsSubject.Overlap(subject, $"{prefix}.{subject}"))
                {
                    return JsErrors.StreamExternalDelPrefixOverlapsErrF.With(prefix).With(subject);
                }
            }
        }

        foreach (string prefix in apiPrefixes)
        {
            if (!JsSubject.IsValidLiteral(prefix))
            {
                return JsErrors.StreamInvalidConfigF.With($"stream external api prefix \"{prefix}\" must be a valid subject without wildcards");
            }

            if (JsSubject.Overlap(prefix, ApiPrefix))
            {
                return JsErrors.StreamExternalApiOverlapErrF.With(prefix).With(ApiPrefix);
            }
        }

        return HasCycle(js, cfg) ? JsErrors.StreamInvalidConfigF.With("detected cycle") : null;
    }

    /// <summary>The republish checks, after the subjects are settled ("src" defaults to "&gt;" and is echoed so).</summary>
    public static JsApiError? CheckRePublish(StreamConfig cfg)
    {
        if (cfg.RePublish is not { } rp)
        {
            return null;
        }

        if (string.IsNullOrEmpty(rp.Source))
        {
            rp.Source = ">";
        }

        List<string> subjects = cfg.Subjects ?? [];
        if (!subjects.Any(s => JsSubject.Overlap(rp.Source, s)))
        {
            return JsErrors.StreamInvalidConfigF.With("stream configuration for republish source is not valid subset of subjects");
        }

        if (JsSubject.IsValid(rp.Destination) && subjects.Any(s => JsSubject.Overlap(rp.Destination, s)))
        {
            return JsErrors.StreamInvalidConfigF.With("stream configuration for republish destination forms a cycle");
        }

        return Republisher.IsValid(rp.Source, rp.Destination) ? null : JsErrors.StreamInvalidConfigF.With("stream configuration for republish not valid");
    }

    /// <summary>UPDATE: a mirror and a republish can not change (nats-server's configUpdateCheck).</summary>
    public static JsApiError? CheckUpdate(StreamConfig old, StreamConfig cfg)
    {
        if (!StreamSourceConfig.Same(old.Mirror, cfg.Mirror))
        {
            return JsErrors.StreamMirrorNotUpdatableErr;
        }

        return RePublishConfig.Same(old.RePublish, cfg.RePublish) ? null : JsErrors.StreamInvalidConfigF.With("stream configuration update can not change RePublish");
    }

    /// <summary>
    /// The subjects a consumer's filter may name: the stream's own and, through its mirror or sources,
    /// those of the streams it reads (nats-server's gatherSourceMirrorSubjects). Null when an external
    /// origin makes it unknowable (any filter is accepted then).
    /// </summary>
    public static List<string>? SubjectsForFilter(JsAccount js, StreamConfig cfg)
    {
        List<string> subjects = [.. cfg.Subjects ?? []];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Gather(js, cfg, subjects, seen) ? null : subjects;
    }

    private static bool Gather(JsAccount js, StreamConfig cfg, List<string> subjects, HashSet<string> seen)
    {
        IEnumerable<StreamSourceConfig> origins = cfg.Mirror is { } m ? [m] : cfg.Sources ?? [];
        foreach (StreamSourceConfig o in origins)
        {
            if (o.External is not null)
            {
                return true;
            }

            if (!seen.Add(o.Name) || js.Find(o.Name)?.Config is not { } origin)
            {
                continue;
            }

            subjects.AddRange(origin.Subjects ?? []);
            if (Gather(js, origin, subjects, seen))
            {
                return true;
            }
        }

        return false;
    }

    private static bool FilterOverlaps(string? filter, List<string>? subjects) =>
        string.IsNullOrEmpty(filter) || subjects is not { Count: > 0 } || subjects.Any(s => JsSubject.Overlap(s, filter));

    private static void AddPrefixes(ExternalStream? external, List<string> deliverPrefixes, List<string> apiPrefixes)
    {
        if (external is null)
        {
            return;
        }

        if (external.DeliverPrefix.Length > 0)
        {
            deliverPrefixes.Add(external.DeliverPrefix);
        }

        if (external.ApiPrefix.Length > 0)
        {
            apiPrefixes.Add(external.ApiPrefix);
        }
    }

    /// <summary>nats-server's walk over local sources and mirrors: a stream met twice is a cycle.</summary>
    private static bool HasCycle(JsAccount js, StreamConfig cfg)
    {
        var toVisit = new Queue<StreamConfig>([cfg]);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        for (int guard = 0; toVisit.Count > 0 && guard < 10_000; guard++)
        {
            StreamConfig c = toVisit.Dequeue();
            visited.Add(c.Name);
            foreach (StreamSourceConfig src in c.Sources ?? [])
            {
                if (src.External is not null)
                {
                    continue;
                }

                if (visited.Contains(src.Name))
                {
                    return true;
                }

                if (js.Find(src.Name)?.Config is { } next)
                {
                    toVisit.Enqueue(next);
                }
            }

            if (c.Mirror is { External: null } mirror)
            {
                if (visited.Contains(mirror.Name))
                {
                    return true;
                }

                if (js.Find(mirror.Name)?.Config is { } next)
                {
                    toVisit.Enqueue(next);
                }
            }
        }

        return false;
    }
}
