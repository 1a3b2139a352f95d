using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Consumers;
using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>
/// The $JS.API.&gt; requests of nats-server 2.9.10 (jetstream_api.go): subjects, request and response
/// JSON, error codes and texts. Runs on the engine's API loop, one request at a time.
/// </summary>
internal sealed partial class JsApi
{
    /// <summary>Not an API subject: the engine's own "delete this idle consumer" item on the API queue.</summary>
    public const string InternalDeletePrefix = "\u0000delete.";

    private const string Prefix = "$JS.API.";
    private const int NamesLimit = 1024;
    private const int ListLimit = 256;
    private const int MaxNameLength = 255;
    private const int MaxSubjectDetails = 100_000;
    private static readonly long DefaultDuplicateWindow = TimeSpan.FromMinutes(2).Ticks * 100;

    private readonly JetStreamEngine _engine;
    private ReceivedMessage? _auditing; // the request being answered: its answer is audited on $JS.EVENT.ADVISORY.API

    public JsApi(JetStreamEngine engine) => _engine = engine;

    public void Handle(JsAccount js, ReceivedMessage m)
    {
        _auditing = null;
        if (m.Subject.StartsWith(InternalDeletePrefix, StringComparison.Ordinal))
        {
            string[] names = m.Subject[InternalDeletePrefix.Length..].Split('.');
            if (js.Find(names[0]) is { } s && s.FindConsumer(names[1]) is { } c)
            {
                DeleteConsumer(s, c);
            }

            return;
        }

        if (!m.Subject.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return;
        }

        string[] t = m.Subject[Prefix.Length..].Split('.');
        string? reply = m.Reply;
        if (t is ["CONSUMER", "MSG", "NEXT", var sn, var cn])
        {
            // Not counted as an API call by nats-server (the consumer subscribes it itself).
            if (js.Find(sn) is { } s && s.FindConsumer(cn) is { } c)
            {
                lock (s.Lock)
                {
                    c.ProcessNext(reply, m.Data);
                }
            }

            return; // nats-server's $JS.API.> subscription takes it and answers nothing
        }

        if (t is ["DIRECT", "GET", var ds, ..])
        {
            DirectGet(js, ds, t.Length > 3 ? string.Join('.', t[3..]) : null, m);
            return;
        }

        if (reply is null)
        {
            return;
        }

        js.CountRequest();
        _auditing = m;
        if (!js.Enabled)
        {
            Error(js, reply, "io.nats.jetstream.api.v1.account_info_response", JsErrors.NotEnabledForAccountErr); // only INFO is subscribed
            return;
        }

        switch (t)
        {
            case ["INFO"]:
                AccountInfo(js, reply);
                break;
            case ["STREAM", "CREATE", var name]:
                CreateStream(js, name, m.Data, reply);
                break;
            case ["STREAM", "UPDATE", var name]:
                UpdateStream(js, name, m.Data, reply);
                break;
            case ["STREAM", "DELETE", var name]:
                WithStream(js, name, reply, "stream_delete_response", s => DeleteStream(js, s, reply));
                break;
            case ["STREAM", "INFO", var name]:
                StreamInfoRequest(js, name, m.Data, reply);
                break;
            case ["STREAM", "NAMES"]:
                StreamNames(js, m.Data, reply);
                break;
            case ["STREAM", "LIST"]:
                StreamList(js, m.Data, reply);
                break;
            case ["STREAM", "SNAPSHOT", var name]:
                Snapshot(js, name, m.Data, reply);
                break;
            case ["STREAM", "RESTORE", var name]:
                Restore(js, name, m.Data, reply);
                break;
            case ["STREAM", "PURGE", var name]:
                WithStream(js, name, reply, "stream_purge_response", s => Purge(js, s, m.Data, reply));
                break;
            case ["STREAM", "MSG", "GET", var name]:
                WithStream(js, name, reply, "stream_msg_get_response", s => MsgGet(js, s, m.Data, reply));
                break;
            case ["STREAM", "MSG", "DELETE", var name]:
                WithStream(js, name, reply, "stream_msg_delete_response", s => MsgDelete(js, s, m.Data, reply));
                break;
            case ["CONSUMER", "CREATE", var name, ..]:
                CreateConsumer(js, name, t.Length > 3 ? t[3] : null, t.Length > 4 ? string.Join('.', t[4..]) : null, durableApi: false, m.Data, reply);
                break;
            case ["CONSUMER", "DURABLE", "CREATE", var name, var consumer]:
                CreateConsumer(js, name, consumer, null, durableApi: true, m.Data, reply);
                break;
            case ["CONSUMER", "DELETE", var name, var consumer]:
                WithConsumer(js, name, consumer, reply, "consumer_delete_response", (s, c) =>
                {
                    DeleteConsumer(s, c);
                    Send(js, reply, new ApiResponse { Type = "io.nats.jetstream.api.v1.consumer_delete_response", Success = true }, JsJson.Default.ApiResponse);
                });
                break;
            case ["CONSUMER", "INFO", var name, var consumer]:
                WithConsumer(js, name, consumer, reply, "consumer_info_response", (s, c) =>
                {
                    ConsumerInfo info;
                    lock (s.Lock)
                    {
                        info = c.Info();
                    }

                    info.Type = "io.nats.jetstream.api.v1.consumer_info_response";
                    Send(js, reply, info, JsJson.Default.ConsumerInfo);
                });
                break;
            case ["CONSUMER", "NAMES", var name]:
                WithStream(js, name, reply, "consumer_names_response", s =>
                {
                    List<string> names = [.. s.Consumers.Where(c => !c.Config.Direct).Select(c => c.Name).Order(StringComparer.Ordinal)];
                    int offset = Math.Clamp((Parse(m.Data, JsJson.Default.ApiRequest) ?? new ApiRequest()).Offset, 0, names.Count);
                    Send(js, reply, new NamesResponse
                    {
                        Type = "io.nats.jetstream.api.v1.consumer_names_response",
                        Total = names.Count,
                        Offset = offset,
                        Limit = NamesLimit,
                        Consumers = [.. names.Skip(offset).Take(NamesLimit)],
                    }, JsJson.Default.NamesResponse);
                });
                break;
            case ["CONSUMER", "LIST", var name]:
                WithStream(js, name, reply, "consumer_list_response", s =>
                {
                    List<Consumer> consumers = [.. s.Consumers.Where(c => !c.Config.Direct).OrderBy(c => c.Name, StringComparer.Ordinal)];
                    int offset = Math.Clamp((Parse(m.Data, JsJson.Default.ApiRequest) ?? new ApiRequest()).Offset, 0, consumers.Count);
                    List<ConsumerInfo> infos;
                    lock (s.Lock)
                    {
                        infos = [.. consumers.Skip(offset).Take(ListLimit).Select(c => c.Info())];
                    }

                    Send(js, reply, new ListResponse
                    {
                        Type = "io.nats.jetstream.api.v1.consumer_list_response",
                        Total = consumers.Count,
                        Offset = offset,
                        Limit = ListLimit,
                        Consumers = infos,
                    }, JsJson.Default.ListResponse);
                });
                break;
            default:
                break; // nats-server answers nothing on subjects it does not know
        }
    }

    /// <summary>STREAM.INFO: its response (and its error) carry the paging fields of the subjects list, as nats-server's.</summary>
    private void StreamInfoRequest(JsAccount js, string name, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_info_response";
        if (js.Find(name) is not { } s)
        {
            js.CountError();
            Send(js, reply, new ApiResponse { Type = type, Error = JsErrors.StreamNotFoundErr, Total = 0, Offset = 0, Limit = 0 }, JsJson.Default.ApiResponse);
            return;
        }

        ApiRequest req = Parse(body, JsJson.Default.ApiRequest) ?? new ApiRequest();
        StreamInfo info = s.Info(req.SubjectsFilter);
        info.Type = type;
        info.Total = info.State.Subjects?.Count ?? 0;
        info.Offset = 0;
        info.Limit = string.IsNullOrEmpty(req.SubjectsFilter) ? 0 : MaxSubjectDetails;
        Send(js, reply, info, JsJson.Default.StreamInfo);
    }

    private void AccountInfo(JsAccount js, string reply)
    {
        ulong memory = 0, store = 0;
        int consumers = 0;
        List<JsStream> streams = js.Streams;
        foreach (JsStream s in streams)
        {
            ulong bytes = s.Store.State.Bytes;
            if (s.Config.Storage == "memory")
            {
                memory += bytes;
            }
            else
            {
                store += bytes;
            }

            consumers += s.ConsumerCount;
        }

        Send(js, reply, new AccountInfoResponse
        {
            Memory = memory,
            Store = store,
            Streams = streams.Count,
            Consumers = consumers,
            Domain = _engine.Domain,
            Api = new ApiStats { Total = js.ApiTotal, Errors = js.ApiErrors },
            Limits = new AccountLimits
            {
                MaxMemory = js.Limits.MaxMemory,
                MaxStore = js.Limits.MaxStore,
                MaxStreams = js.Limits.MaxStreams,
                MaxConsumers = js.Limits.MaxConsumers,
                MaxAckPending = js.Limits.MaxAckPending,
                MemoryMaxStreamBytes = js.Limits.MemoryMaxStreamBytes,
                StoreMaxStreamBytes = js.Limits.StoreMaxStreamBytes,
                MaxBytesRequired = js.Limits.MaxBytesRequired,
            },
        }, JsJson.Default.AccountInfoResponse);
    }

    private void CreateStream(JsAccount js, string name, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_create_response";
        if (!TryParseConfig(js, body, reply, type, out StreamConfig? cfg))
        {
            return;
        }

        if (name != cfg.Name)
        {
            Error(js, reply, type, JsErrors.StreamMismatchErr);
            return;
        }

        if (name.Contains('/') || name.Contains('\\'))
        {
            Error(js, reply, type, JsErrors.StreamNameContainsPathSeparatorsErr);
            return;
        }

        if (cfg.Sealed)
        {
            Error(js, reply, type, JsErrors.StreamInvalidConfigF.With("stream configuration for create can not be sealed"));
            return;
        }

        if (cfg.MirrorDirect && cfg.Mirror is null)
        {
            Error(js, reply, type, JsErrors.StreamInvalidConfigF.With("stream has no mirror but does have mirror direct"));
            return;
        }

        if (CheckStreamConfig(js, cfg) is { } invalid)
        {
            Error(js, reply, type, invalid);
            return;
        }

        lock (js.Lock)
        {
            if (js.Find(name) is { } existing)
            {
                if (SameConfig(existing.Config, cfg))
                {
                    StreamInfo same = existing.Info();
                    same.Type = type;
                    same.DidCreate = true; // as nats-server 2.9.10 answers an identical create
                    same.Mirror = null;
                    same.Sources = null;
                    Send(js, reply, same, JsJson.Default.StreamInfo);
                }
                else
                {
                    Error(js, reply, type, JsErrors.StreamNameExistErr);
                }

                return;
            }

            if (JsLimits.CheckStreamCreate(js, cfg) is { } limited)
            {
                Error(js, reply, type, limited);
                return;
            }

            if (Overlaps(js, cfg, null))
            {
                Error(js, reply, type, JsErrors.StreamSubjectOverlapErr);
                return;
            }

            IStreamStore store = _engine.OpenStore(js.Account, cfg);
            store.WriteMetadata(JsonSerializer.SerializeToUtf8Bytes(cfg, JsJson.Default.StreamConfig));
            var stream = new JsStream(js, cfg, store, DateTime.UtcNow);
            js.Add(stream);
            stream.Start();
            _engine.Advisories.StreamAction(js, name, "create");
            StreamInfo info = stream.Info();
            info.Type = type;
            info.DidCreate = true;
            info.Mirror = null; // nats-server's create response carries no mirror or sources state
            info.Sources = null;
            Send(js, reply, info, JsJson.Default.StreamInfo);
        }
    }

    private void UpdateStream(JsAccount js, string name, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_update_response";
        if (!TryParseConfig(js, body, reply, type, out StreamConfig? cfg))
        {
            return;
        }

        if (name != cfg.Name)
        {
            Error(js, reply, type, JsErrors.StreamMismatchErr);
            return;
        }

        if (CheckStreamConfig(js, cfg) is { } invalid)
        {
            Error(js, reply, type, invalid);
            return;
        }

        lock (js.Lock)
        {
            if (js.Find(name) is not { } stream)
            {
                Error(js, reply, type, JsErrors.StreamNotFoundErr);
                return;
            }

            StreamConfig old = stream.Config;
            string? why = cfg.MaxConsumers != old.MaxConsumers ? "stream configuration update can not change MaxConsumers"
                : cfg.Storage != old.Storage ? "stream configuration update can not change storage type"
                : cfg.Retention != old.Retention ? "stream configuration update can not change retention policy"
                : old.Sealed && !cfg.Sealed ? "stream configuration update can not unseal a sealed stream"
                : old.DenyDelete && !cfg.DenyDelete ? "stream configuration update can not cancel deny message deletes"
                : old.DenyPurge && !cfg.DenyPurge ? "stream configuration update can not cancel deny purge"
                : null;
            if (why is not null)
            {
                Error(js, reply, type, JsErrors.StreamInvalidConfigF.With(why));
                return;
            }

            if (StreamSourcing.CheckUpdate(old, cfg) is { } notUpdatable)
            {
                Error(js, reply, type, notUpdatable);
                return;
            }

            if (JsLimits.CheckStreamUpdate(js, old, cfg) is { } limited)
            {
                Error(js, reply, type, limited);
                return;
            }

            if (Overlaps(js, cfg, stream))
            {
                Error(js, reply, type, JsErrors.StreamSubjectOverlapErr);
                return;
            }

            stream.Update(cfg);
            _engine.Advisories.StreamAction(js, name, "modify");
            StreamInfo info = stream.Info();
            info.Type = type;
            Send(js, reply, info, JsJson.Default.StreamInfo);
        }
    }

    private void DeleteStream(JsAccount js, JsStream stream, string reply)
    {
        lock (js.Lock)
        {
            js.Remove(stream);
        }

        foreach (Consumer c in stream.Consumers)
        {
            _engine.Advisories.ConsumerAction(js, stream.Name, c.Name, "delete"); // nats-server: the consumers' first, then the stream's
        }

        stream.Delete();
        _engine.Advisories.StreamAction(js, stream.Name, "delete");
        Send(js, reply, new ApiResponse { Type = "io.nats.jetstream.api.v1.stream_delete_response", Success = true }, JsJson.Default.ApiResponse);
    }

    private void StreamNames(JsAccount js, byte[] body, string reply)
    {
        ApiRequest req = Parse(body, JsJson.Default.ApiRequest) ?? new ApiRequest();
        List<string> names = [.. js.Streams
            .Where(s => string.IsNullOrEmpty(req.Subject) || (s.Config.Subjects ?? []).Any(subj => JsSubject.Overlap(subj, req.Subject)))
            .Select(s => s.Name)];
        int offset = Math.Clamp(req.Offset, 0, names.Count);
        Send(js, reply, new NamesResponse
        {
            Type = "io.nats.jetstream.api.v1.stream_names_response",
            Total = names.Count,
            Offset = offset,
            Limit = NamesLimit,
            Streams = [.. names.Skip(offset).Take(NamesLimit)],
        }, JsJson.Default.NamesResponse);
    }

    private void StreamList(JsAccount js, byte[] body, string reply)
    {
        ApiRequest req = Parse(body, JsJson.Default.ApiRequest) ?? new ApiRequest();
        List<JsStream> streams = [.. js.Streams.Where(s => string.IsNullOrEmpty(req.Subject) || (s.Config.Subjects ?? []).Any(subj => JsSubject.Overlap(subj, req.Subject)))];
        int offset = Math.Clamp(req.Offset, 0, streams.Count);
        Send(js, reply, new ListResponse
        {
            Type = "io.nats.jetstream.api.v1.stream_list_response",
            Total = streams.Count,
            Offset = offset,
            Limit = ListLimit,
            Streams = [.. streams.Skip(offset).Take(ListLimit).Select(s => s.Info())],
        }, JsJson.Default.ListResponse);
    }

    private void Purge(JsAccount js, JsStream s, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_purge_response";
        if (s.Config.Sealed)
        {
            Error(js, reply, type, JsErrors.StreamSealedErr);
            return;
        }

        if (s.Config.DenyPurge)
        {
            Error(js, reply, type, JsErrors.StreamPurgeFailedF.With("stream purge not permitted"));
            return;
        }

        ApiRequest req = Parse(body, JsJson.Default.ApiRequest) ?? new ApiRequest();
        if (req.Seq > 0 && req.Keep > 0)
        {
            Error(js, reply, type, JsErrors.BadRequestErr);
            return;
        }

        ulong purged = s.Purge(string.IsNullOrEmpty(req.Filter) ? null : req.Filter, req.Seq, req.Keep);
        Send(js, reply, new ApiResponse { Type = type, Success = true, Purged = purged }, JsJson.Default.ApiResponse);
    }

    private void MsgGet(JsAccount js, JsStream s, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_msg_get_response";
        ApiRequest? req = Parse(body, JsJson.Default.ApiRequest);
        if (req is null || (req.Seq == 0 && string.IsNullOrEmpty(req.LastBySubject) && string.IsNullOrEmpty(req.NextBySubject))
            || (req.Seq > 0 && !string.IsNullOrEmpty(req.LastBySubject)))
        {
            Error(js, reply, type, JsErrors.BadRequestErr);
            return;
        }

        if (!TryLoad(s, req, out StoredMessage m))
        {
            Error(js, reply, type, JsErrors.NoMessageFoundErr);
            return;
        }

        Send(js, reply, new MsgGetResponse
        {
            Message = new StoredMessageJson
            {
                Subject = m.Subject,
                Sequence = m.Sequence,
                Header = m.Header.IsEmpty ? null : m.Header.ToArray(),
                Data = m.Data.IsEmpty ? null : m.Data.ToArray(),
                Time = JsTime.ToDateTime(m.TimestampNs),
            },
        }, JsJson.Default.MsgGetResponse);
    }

    private static bool TryLoad(JsStream s, ApiRequest req, out StoredMessage m)
    {
        if (!string.IsNullOrEmpty(req.LastBySubject))
        {
            return s.Store.TryLoadLast(req.LastBySubject, out m);
        }

        if (!string.IsNullOrEmpty(req.NextBySubject))
        {
            return s.Store.TryLoadNext(req.NextBySubject, req.Seq, out m);
        }

        return s.Store.TryLoad(req.Seq, out m);
    }

    private void MsgDelete(JsAccount js, JsStream s, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_msg_delete_response";
        if (s.Config.Sealed)
        {
            Error(js, reply, type, JsErrors.StreamSealedErr);
            return;
        }

        if (s.Config.DenyDelete)
        {
            Error(js, reply, type, JsErrors.StreamMsgDeleteFailedF.With("message delete not permitted"));
            return;
        }

        ApiRequest? req = Parse(body, JsJson.Default.ApiRequest);
        if (req is null || req.Seq == 0)
        {
            Error(js, reply, type, JsErrors.BadRequestErr);
            return;
        }

        bool removed;
        lock (s.Lock)
        {
            removed = s.Store.Remove(req.Seq, erase: !req.NoErase);
            if (removed)
            {
                foreach (Consumer c in s.Consumers)
                {
                    c.OnRemoved(req.Seq);
                }
            }
        }

        if (!removed)
        {
            Error(js, reply, type, JsErrors.SequenceNotFoundErrF.With(req.Seq));
            return;
        }

        Send(js, reply, new ApiResponse { Type = type, Success = true }, JsJson.Default.ApiResponse);
    }

    /// <summary>$JS.API.DIRECT.GET.&lt;stream&gt;[.&lt;subject&gt;]: the message itself, its place in Nats-* headers.</summary>
    private void DirectGet(JsAccount js, string name, string? lastBySubject, ReceivedMessage m)
    {
        if (m.Reply is not { } reply)
        {
            return;
        }

        if (js.Find(name) is not { Config.AllowDirect: true } s)
        {
            return; // as nats-server: no direct-get subscription, the API one answers nothing
        }

        ApiRequest req;
        if (lastBySubject is not null)
        {
            req = new ApiRequest { LastBySubject = lastBySubject };
        }
        else if (m.Data.Length == 0)
        {
            Status(js, reply, "NATS/1.0 408 Empty Request\r\n\r\n");
            return;
        }
        else if (Parse(m.Data, JsJson.Default.ApiRequest) is not { } parsed)
        {
            Status(js, reply, "NATS/1.0 408 Malformed Request\r\n\r\n");
            return;
        }
        else
        {
            req = parsed;
            if ((req.Seq == 0 && string.IsNullOrEmpty(req.LastBySubject) && string.IsNullOrEmpty(req.NextBySubject))
                || (req.Seq > 0 && !string.IsNullOrEmpty(req.LastBySubject)))
            {
                Status(js, reply, "NATS/1.0 408 Bad Request\r\n\r\n");
                return;
            }
        }

        if (!TryLoad(s, req, out StoredMessage msg))
        {
            Status(js, reply, "NATS/1.0 404 Message Not Found\r\n\r\n");
            return;
        }

        string extra = $"Nats-Stream: {s.Name}\r\nNats-Subject: {msg.Subject}\r\nNats-Sequence: {msg.Sequence}\r\nNats-Time-Stamp: {JsTime.Rfc3339Nano(msg.TimestampNs)}";
        byte[] header = JsHeaders.Append(msg.Header.Span, extra);
        _engine.Internal.Publish(js.Account, reply, null, msg.Data.Span, header);
    }

    private void CreateConsumer(JsAccount js, string streamName, string? nameInSubject, string? filterInSubject, bool durableApi, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.consumer_create_response";
        if (!TryDeserialize(body, JsJson.Default.ConsumerCreateRequest, out ConsumerCreateRequest? req))
        {
            Error(js, reply, type, JsErrors.InvalidJSONErr);
            return;
        }

        if (req?.Config is not { } cfg)
        {
            Error(js, reply, type, JsErrors.ConsumerConfigRequiredErr);
            return;
        }

        if (req.Stream is { Length: > 0 } bodyStream && bodyStream != streamName)
        {
            Error(js, reply, type, JsErrors.StreamMismatchErr);
            return;
        }

        if (js.Find(streamName) is not { } stream)
        {
            Error(js, reply, type, JsErrors.StreamNotFoundErr);
            return;
        }

        if (nameInSubject is not null && (nameInSubject.Contains('/') || nameInSubject.Contains('\\')))
        {
            Error(js, reply, type, JsErrors.ConsumerNameContainsPathSeparatorsErr);
            return;
        }

        if (durableApi)
        {
            if (string.IsNullOrEmpty(cfg.Durable))
            {
                Error(js, reply, type, JsErrors.ConsumerDurableNameNotSetErr);
                return;
            }

            if (cfg.Durable != nameInSubject)
            {
                Error(js, reply, type, JsErrors.ConsumerDurableNameNotMatchSubjectErr);
                return;
            }
        }
        else if (nameInSubject is not null)
        {
            // nats-server's new-style create: the name in the subject wins; a durable must match it.
            if (!string.IsNullOrEmpty(cfg.Durable) && cfg.Durable != nameInSubject)
            {
                Error(js, reply, type, JsErrors.ConsumerDurableNameNotMatchSubjectErr);
                return;
            }

            cfg.Name = nameInSubject;
        }
        else if (!string.IsNullOrEmpty(cfg.Durable))
        {
            Error(js, reply, type, JsErrors.ConsumerEphemeralWithDurableNameErr);
            return;
        }

        if (filterInSubject is not null && cfg.FilterSubject != filterInSubject)
        {
            Error(js, reply, type, JsErrors.ConsumerCreateFilterSubjectMismatchErr);
            return;
        }

        string name = cfg.Durable is { Length: > 0 } d ? d : cfg.Name is { Length: > 0 } n ? n : NewName();
        if (name.Contains('.') || name.Contains('*') || name.Contains('>'))
        {
            Error(js, reply, type, JsErrors.ConsumerBadDurableNameErr);
            return;
        }

        if (name.Contains('/') || name.Contains('\\'))
        {
            Error(js, reply, type, JsErrors.ConsumerNameContainsPathSeparatorsErr);
            return;
        }

        if (CheckConsumerConfig(stream, cfg, name) is { } invalid)
        {
            Error(js, reply, type, invalid);
            return;
        }

        ConsumerInfo info;
        lock (stream.Lock)
        {
            if (stream.FindConsumer(name) is { } existing)
            {
                if (ConsumerUpdateRules.Check(existing.Config, cfg, s => !js.Account.Sublist.Match(Encoding.UTF8.GetBytes(s)).IsEmpty) is { } notUpdatable)
                {
                    Error(js, reply, type, notUpdatable);
                    return;
                }

                existing.UpdateConfig(cfg);
                info = existing.Info();
            }
            else
            {
                if (stream.Config.MaxConsumers > 0 && stream.ConsumerCount >= stream.Config.MaxConsumers)
                {
                    Error(js, reply, type, JsErrors.MaximumConsumersLimitErr);
                    return;
                }

                if (JsLimits.CheckConsumerCreate(stream) is { } limited)
                {
                    Error(js, reply, type, limited);
                    return;
                }

                bool memory = cfg.MemoryStorage || stream.Config.Storage == "memory";
                IConsumerStore store = memory ? new MemoryConsumerStore() : stream.Store.OpenConsumer(name);
                var consumer = new Consumer(stream, name, cfg, store, DateTime.UtcNow);
                stream.AddConsumer(consumer);
                consumer.Start();
                _engine.Advisories.ConsumerAction(js, stream.Name, name, "create");
                info = consumer.Info();
                consumer.OnNewMessage();
            }
        }

        info.Type = type;
        Send(js, reply, info, JsJson.Default.ConsumerInfo);
    }

    private static JsApiError? CheckConsumerConfig(JsStream stream, ConsumerConfig cfg, string name)
    {
        if (cfg.Replicas > 1)
        {
            return JsErrors.StreamReplicasNotSupportedErr;
        }

        if (name.Length > MaxNameLength)
        {
            return JsErrors.ConsumerNameTooLongErrF.With(MaxNameLength);
        }

        bool push = !string.IsNullOrEmpty(cfg.DeliverSubject);
        if (push && JsSubject.HasWildcard(cfg.DeliverSubject!))
        {
            return JsErrors.ConsumerDeliverToWildcardsErr;
        }

        if (push && stream.Config.Subjects is { } streamSubjects && streamSubjects.Any(s => JsSubject.IsSubset(cfg.DeliverSubject!, s)))
        {
            return JsErrors.ConsumerDeliverCycleErr; // its deliveries would be stored again
        }

        if (push && cfg.MaxWaiting > 0)
        {
            return JsErrors.ConsumerPushMaxWaitingErr;
        }

        if (!push && cfg.RateLimit > 0)
        {
            return JsErrors.ConsumerPullWithRateLimitErr;
        }

        if (!push && cfg.Heartbeat > 0)
        {
            return JsErrors.ConsumerHBRequiresPushErr;
        }

        if (!push && cfg.FlowControl)
        {
            return JsErrors.ConsumerFCRequiresPushErr;
        }

        if (cfg.MaxWaiting < 0)
        {
            return JsErrors.ConsumerMaxWaitingNegativeErr;
        }

        if (cfg.AckPolicy is not ("none" or "all" or "explicit"))
        {
            return JsErrors.ConsumerInvalidPolicyErrF.With("ack policy invalid");
        }

        switch (cfg.DeliverPolicy)
        {
            case "all" or "last" or "new" or "last_per_subject":
                string policy = cfg.DeliverPolicy.Replace('_', ' ');
                if (cfg.OptStartSeq > 0 || cfg.OptStartTime is not null)
                {
                    // nats-server names the one that is set, the sequence first.
                    return JsErrors.ConsumerInvalidPolicyErrF.With($"consumer delivery policy is deliver {policy}, but optional start {(cfg.OptStartSeq > 0 ? "sequence" : "time")} is also set");
                }

                if (cfg.DeliverPolicy == "last_per_subject" && string.IsNullOrEmpty(cfg.FilterSubject))
                {
                    return JsErrors.ConsumerInvalidPolicyErrF.With("consumer delivery policy is deliver last per subject, but optional filter subject is not set");
                }

                break;
            case "by_start_sequence":
                if (cfg.OptStartSeq == 0)
                {
                    return JsErrors.ConsumerInvalidPolicyErrF.With("consumer delivery policy is deliver by start sequence, but optional start sequence is not set");
                }

                if (cfg.OptStartTime is not null)
                {
                    return JsErrors.ConsumerInvalidPolicyErrF.With("consumer delivery policy is deliver by start sequence, but optional start time is also set");
                }

                break;
            case "by_start_time":
                if (cfg.OptStartTime is null)
                {
                    return JsErrors.ConsumerInvalidPolicyErrF.With("consumer delivery policy is deliver by start time, but optional start time is not set");
                }

                if (cfg.OptStartSeq > 0)
                {
                    // nats-server 2.9.10's text, "start" twice.
                    return JsErrors.ConsumerInvalidPolicyErrF.With("consumer delivery policy is deliver by start time, but optional start start sequence is also set");
                }

                break;
            default:
                return JsErrors.ConsumerInvalidPolicyErrF.With("deliver policy invalid");
        }

        if (!string.IsNullOrEmpty(cfg.FilterSubject))
        {
            List<string>? subjects = StreamSourcing.SubjectsForFilter(stream.Account, stream.Config);
            if (subjects is not null && !subjects.Any(s => JsSubject.Overlap(s, cfg.FilterSubject)))
            {
                return JsErrors.ConsumerFilterNotSubsetErr;
            }
        }

        if (cfg.FlowControl && cfg.Heartbeat == 0)
        {
            return JsErrors.ConsumerWithFlowControlNeedsHeartbeats;
        }

        if (stream.Config.Retention == "workqueue")
        {
            if (cfg.AckPolicy != "explicit")
            {
                return JsErrors.ConsumerWQRequiresExplicitAckErr;
            }

            if (cfg.DeliverPolicy != "all")
            {
                return JsErrors.ConsumerWQConsumerNotDeliverAllErr;
            }

            foreach (Consumer other in stream.Consumers)
            {
                if (other.Name == name)
                {
                    continue;
                }

                string a = other.Config.FilterSubject ?? "", b = cfg.FilterSubject ?? "";
                if (a.Length == 0 && b.Length == 0)
                {
                    return JsErrors.ConsumerWQMultipleUnfilteredErr;
                }

                if (a.Length == 0 || b.Length == 0 || JsSubject.Overlap(a, b))
                {
                    return JsErrors.ConsumerWQConsumerNotUniqueErr;
                }
            }
        }

        // nats-server's setConsumerConfigDefaults.
        if (!push && cfg.MaxWaiting == 0)
        {
            cfg.MaxWaiting = 512;
        }

        if (cfg.AckWait == 0 && cfg.AckPolicy != "none")
        {
            cfg.AckWait = TimeSpan.FromSeconds(30).Ticks * 100;
        }

        if (cfg.MaxDeliver == 0)
        {
            cfg.MaxDeliver = -1;
        }

        if (cfg.BackOff is { Count: > 0 } backoff)
        {
            cfg.AckWait = backoff[0];
        }

        if (cfg.AckPolicy != "none" && cfg.MaxAckPending == 0)
        {
            cfg.MaxAckPending = 1000;
        }

        if (string.IsNullOrEmpty(cfg.Durable) && cfg.InactiveThreshold == 0)
        {
            cfg.InactiveThreshold = TimeSpan.FromSeconds(5).Ticks * 100; // nats-server's ephemeral default, shown in the config
        }

        return null;
    }

    private void DeleteConsumer(JsStream s, Consumer c)
    {
        _engine.Advisories.ConsumerAction(s.Account, s.Name, c.Name, "delete");
        lock (s.Lock)
        {
            c.Stop(deleted: true);
            s.RemoveConsumer(c);
        }

        c.DeleteState();
        s.Store.DeleteConsumer(c.Name);
    }

    private static JsApiError? CheckStreamConfig(JsAccount js, StreamConfig cfg)
    {
        if (cfg.Name.Length == 0 || cfg.Name.Contains('.') || cfg.Name.Contains('*') || cfg.Name.Contains('>') || cfg.Name.Any(char.IsWhiteSpace))
        {
            return JsErrors.StreamInvalidConfigF.With("stream name is required and can not contain '.', '*', '>'");
        }

        if (cfg.Name.Length > MaxNameLength)
        {
            return JsErrors.StreamInvalidConfigF.With($"stream name is too long, maximum allowed is {MaxNameLength}");
        }

        if (cfg.Replicas > 1)
        {
            return JsErrors.StreamReplicasNotSupportedErr;
        }

        if (cfg.Storage is not ("file" or "memory") || cfg.Retention is not ("limits" or "interest" or "workqueue") || cfg.Discard is not ("old" or "new"))
        {
            return JsErrors.InvalidJSONErr;
        }

        // nats-server's checkStreamCfg defaults.
        cfg.Replicas = Math.Max(cfg.Replicas, 1);
        cfg.MaxMsgs = cfg.MaxMsgs == 0 ? -1 : cfg.MaxMsgs;
        cfg.MaxMsgsPerSubject = cfg.MaxMsgsPerSubject == 0 ? -1 : cfg.MaxMsgsPerSubject;
        cfg.MaxBytes = cfg.MaxBytes == 0 ? -1 : cfg.MaxBytes;
        cfg.MaxMsgSize = cfg.MaxMsgSize == 0 ? -1 : cfg.MaxMsgSize;
        cfg.MaxConsumers = cfg.MaxConsumers == 0 ? -1 : cfg.MaxConsumers;
        if (cfg.DuplicateWindow == 0 && cfg.Mirror is null)
        {
            cfg.DuplicateWindow = cfg.MaxAge != 0 && cfg.MaxAge < DefaultDuplicateWindow ? cfg.MaxAge : DefaultDuplicateWindow;
        }

        if (cfg.MaxAge > 0 && cfg.MaxAge < TimeSpan.FromMilliseconds(100).Ticks * 100)
        {
            return JsErrors.StreamInvalidConfigF.With("max age needs to be >= 100ms");
        }

        if (cfg.DuplicateWindow < 0)
        {
            return JsErrors.StreamInvalidConfigF.With("duplicates window can not be negative");
        }

        if (cfg.MaxAge > 0 && cfg.DuplicateWindow > cfg.MaxAge)
        {
            return JsErrors.StreamInvalidConfigF.With("duplicates window can not be larger then max age");
        }

        if (StreamSourcing.CheckSources(js, cfg) is { } sourcing)
        {
            return sourcing;
        }

        if (cfg.Subjects is not { Count: > 0 })
        {
            cfg.Subjects = cfg.Mirror is null && cfg.Sources is not { Count: > 0 } ? [cfg.Name] : null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string subject in cfg.Subjects ?? [])
        {
            if (!JsSubject.IsValid(subject))
            {
                return JsErrors.StreamInvalidConfigF.With("invalid subject");
            }

            if (!seen.Add(subject))
            {
                return JsErrors.StreamInvalidConfigF.With($"duplicate subjects detected");
            }

            if (JsSubject.Overlap(subject, "$JS.API.>"))
            {
                return JsErrors.StreamInvalidConfigF.With("subjects overlap with jetstream api");
            }
        }

        return StreamSourcing.CheckRePublish(cfg);
    }

    private static bool Overlaps(JsAccount js, StreamConfig cfg, JsStream? self) =>
        js.Streams.Any(other => other != self && (other.Config.Subjects ?? []).Any(a => (cfg.Subjects ?? []).Any(b => JsSubject.Overlap(a, b))));

    private static bool SameConfig(StreamConfig a, StreamConfig b) =>
        JsonSerializer.Serialize(a, JsJson.Default.StreamConfig) == JsonSerializer.Serialize(b, JsJson.Default.StreamConfig);

    private bool TryParseConfig(JsAccount js, byte[] body, string reply, string type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StreamConfig? cfg)
    {
        cfg = null;
        try
        {
            cfg = body.Length == 0 ? null : JsonSerializer.Deserialize(body, JsJson.Default.StreamConfig);
        }
        catch (JsonException)
        {
            Error(js, reply, type, JsErrors.InvalidJSONErr);
            return false;
        }

        if (cfg is null)
        {
            Error(js, reply, type, JsErrors.InvalidJSONErr);
            return false;
        }

        return true;
    }

    private void WithStream(JsAccount js, string name, string reply, string type, Action<JsStream> action)
    {
        if (js.Find(name) is { } stream)
        {
            action(stream);
        }
        else
        {
            Error(js, reply, "io.nats.jetstream.api.v1." + type, JsErrors.StreamNotFoundErr);
        }
    }

    private void WithConsumer(JsAccount js, string stream, string consumer, string reply, string type, Action<JsStream, Consumer> action)
    {
        if (js.Find(stream) is not { } s)
        {
            Error(js, reply, "io.nats.jetstream.api.v1." + type, JsErrors.StreamNotFoundErr);
        }
        else if (s.FindConsumer(consumer) is not { } c)
        {
            Error(js, reply, "io.nats.jetstream.api.v1." + type, JsErrors.ConsumerNotFoundErr);
        }
        else
        {
            action(s, c);
        }
    }

    /// <summary>Reads a request body; false when it is not JSON of that shape (the caller answers nats-server's invalid JSON error).</summary>
    private static bool TryDeserialize<T>(byte[] body, JsonTypeInfo<T> info, out T? value)
    {
        try
        {
            value = JsonSerializer.Deserialize(body, info);
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private static T? Parse<T>(byte[] body, JsonTypeInfo<T> info)
        where T : class
    {
        if (body.Length == 0)
        {
            return null;
        }

        return TryDeserialize(body, info, out T? value) ? value : null;
    }

    private static string NewName()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(22, 0, static (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    private void Error(JsAccount js, string reply, string type, JsApiError error)
    {
        js.CountError();
        Send(js, reply, new ApiResponse { Type = type, Error = error }, JsJson.Default.ApiResponse);
    }

    private void Send<T>(JsAccount js, string reply, T value, JsonTypeInfo<T> info)
    {
        byte[] response = JsonSerializer.SerializeToUtf8Bytes(value, info);
        _engine.Reply(js.Account, reply, response);
        if (_auditing is { } request)
        {
            _engine.Advisories.ApiAudit(js, request, response);
        }
    }

    private void Status(JsAccount js, string reply, string header) =>
        _engine.Internal.Publish(js.Account, reply, null, default, Encoding.ASCII.GetBytes(header));
}
