using System.Text;
using System.Text.Json;
using NatsSharp.Server.Internal;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The <c>$SYS.REQ.…</c> services: <c>SERVER.PING[.&lt;endpoint&gt;]</c> (every server answers),
/// <c>SERVER.&lt;id&gt;.&lt;endpoint&gt;</c>, <c>ACCOUNT.&lt;acc&gt;.&lt;endpoint&gt;</c> and
/// <c>ACCOUNT.PING.STATZ</c>, answered in nats-server's envelope with the monitoring data.
/// </summary>
internal sealed partial class SystemServices
{
    private static readonly string[] ServerEndpoints = ["STATSZ", "VARZ", "SUBSZ", "CONNZ", "ROUTEZ", "GATEWAYZ", "LEAFZ", "ACCOUNTZ", "JSZ", "HEALTHZ"];

    private static readonly string[] AccountEndpoints = ["SUBSZ", "CONNZ", "LEAFZ", "JSZ", "INFO", "STATZ", "CONNS"];

    /// <summary>What an answer is: data, nothing (filtered out), or an error with nats-server's code.</summary>
    private readonly record struct Answer(byte[]? Data, int ErrorCode = 0, string? Error = null, bool NullData = false)
    {
        public static readonly Answer Skip = new(null);
    }

    private void SubscribeAll()
    {
        // The same subscriptions as nats-server's initEventTracking, so the interest other servers see is the same.
        Subscribe($"$SYS._INBOX.{Hash}.*", static _ => { });
        _remoteConns = Subscribe("$SYS.SERVER.ACCOUNT.*.CONNS", OnRemoteConns);
        Subscribe($"$SYS._INBOX_.{ServerId}", OnRemoteConns);
        Subscribe("$SYS.REQ.ACCOUNT.NSUBS", static _ => { });
        Subscribe("$SYS.SERVER.*.STATSZ", OnRemoteStatsz);
        Subscribe("$SYS.SERVER.*.SHUTDOWN", OnRemoteShutdown);
        Subscribe("$SYS.ACCOUNT.*.CLAIMS.UPDATE", static _ => { });
        Subscribe("$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", static _ => { });
        Subscribe("$SYS.REQ.SERVER.PING", OnStatszRequest);
        foreach (string endpoint in ServerEndpoints)
        {
            string name = endpoint;
            Subscribe($"$SYS.REQ.SERVER.{ServerId}.{name}", m => OnServerRequest(name, m));
            Subscribe($"$SYS.REQ.SERVER.PING.{name}", m => OnServerRequest(name, m));
        }

        foreach (string endpoint in AccountEndpoints)
        {
            string name = endpoint;
            Subscribe($"$SYS.REQ.ACCOUNT.*.{name}", m => OnAccountRequest(name, m));
        }

        Subscribe("$SYS.REQ.ACCOUNT.PING.STATZ", m => Reply(m, "AccountStatzEventOptions", body => AccountStatz(body.Strings("accounts"), body.Bool("include_unused"))));
        Subscribe("$SYS.ACCOUNT.*.LEAFNODE.CONNECT", static _ => { });
        Subscribe($"$SYS.LATENCY.M2.{Hash}", static _ => { });
        SubscribeLocal("$SYS.DEBUG.SUBSCRIBERS");
        SubscribeControl();
        SubscribeUserInfo();
    }

    private void OnStatszRequest(ReceivedMessage m)
    {
        if (m.Data.Length > 0)
        {
            RequestBody body;
            try
            {
                body = RequestBody.Parse(m.Data, "StatszEventOptions");
            }
            catch (RequestBodyException ex)
            {
                if (m.Reply is not null)
                {
                    SendRaw(m.Reply, info => Envelope(info, new Answer(null, 400, ex.Message)));
                }

                return;
            }

            if (Skips(body.Filter))
            {
                return;
            }
        }

        // No reply: the answer goes out on our STATSZ subject, as nats-server does.
        SendStatsz(m.Reply ?? $"$SYS.SERVER.{ServerId}.STATSZ");
    }

    private void OnServerRequest(string endpoint, ReceivedMessage m)
    {
        if (endpoint == "STATSZ")
        {
            OnStatszRequest(m);
            return;
        }

        switch (endpoint)
        {
            case "VARZ":
                Reply(m, "VarzEventOptions", _ => Data(Monitor.Varz(), _monitorJson.Varz));
                break;
            case "SUBSZ":
                Reply(m, "SubszEventOptions", body => Subsz(body, body.String("account")));
                break;
            case "CONNZ":
                Reply(m, "ConnzEventOptions", body => Connz(body, body.String("acc")));
                break;
            case "ROUTEZ":
                Reply(m, "RoutezEventOptions", body => Data(Monitor.Routez(body.Bool("subscriptions"), body.Bool("subscriptions_detail")), _monitorJson.Routez));
                break;
            case "GATEWAYZ":
                Reply(m, "GatewayzEventOptions", _ => Data(Monitor.Gatewayz(), _monitorJson.Gatewayz));
                break;
            case "LEAFZ":
                Reply(m, "LeafzEventOptions", body => Data(Monitor.Leafz(body.Bool("subscriptions"), body.String("account")), _monitorJson.Leafz));
                break;
            case "ACCOUNTZ":
                Reply(m, "AccountzEventOptions", body => Accountz(body.String("account")));
                break;
            case "JSZ":
                Reply(m, "JszEventOptions", body => _server.JetStream is null
                    ? new Answer(Encoding.UTF8.GetBytes(JszDisabled()))
                    : Data(Monitor.Jsz(body.Bool("accounts")), _monitorJson.Jsz));
                break;
            case "HEALTHZ":
                Reply(m, "HealthzEventOptions", _ => new Answer(Monitor.HealthzError() is { } error
                    ? Encoding.UTF8.GetBytes($$"""{"status":"unavailable","error":"{{error}}"}""")
                    : """{"status":"ok"}"""u8.ToArray()));
                break;
        }
    }

    private void OnAccountRequest(string endpoint, ReceivedMessage m)
    {
        string[] tokens = m.Subject.Split('.');
        if (endpoint == "CONNS")
        {
            OnConnsRequest(m, tokens);
            return;
        }

        Reply(m, endpoint switch
        {
            "SUBSZ" => "SubszEventOptions",
            "CONNZ" => "ConnzEventOptions",
            "LEAFZ" => "LeafzEventOptions",
            "JSZ" => "JszEventOptions",
            "INFO" => "AccInfoEventOptions",
            _ => "AccountStatzEventOptions",
        }, body =>
        {
            if (tokens.Length != 5)
            {
                return new Answer(null, 500, $"subject \"{m.Subject}\" is malformed", NullData: true);
            }

            string account = tokens[3];
            return endpoint switch
            {
                "SUBSZ" => Subsz(body, account, subscriptions: true),
                "CONNZ" => Connz(body, account),
                "LEAFZ" => Data(Monitor.Leafz(body.Bool("subscriptions"), account), _monitorJson.Leafz),
                "JSZ" => _server.JetStream is null ? new Answer(null, 500, "jetstream not enabled", NullData: true)
                    : Monitor.JszAccount(account) is { } jsz ? Data(jsz, _monitorJson.JszAccount)
                    : new Answer(null, 500, $"account \"{account}\" not jetstream enabled", NullData: true),
                "INFO" => AccountInfo(account),
                _ => account == "PING" ? Answer.Skip : AccountStatz([account], body.Bool("include_unused")),
            };
        });
    }

    /// <summary>nats-server's zReq: decode the body, apply the filter, build the data, answer in the envelope.</summary>
    private void Reply(ReceivedMessage m, string goType, Func<RequestBody, Answer> build)
    {
        if (m.Reply is not { } reply)
        {
            return;
        }

        Answer answer;
        try
        {
            RequestBody body = RequestBody.Parse(m.Data, goType);
            if (m.Data.Length > 0 && Skips(body.Filter))
            {
                return;
            }

            try
            {
                answer = build(body);
            }
            catch (MonitorQueryException ex)
            {
                answer = new Answer(null, 500, ex.Message, NullData: true);
            }
        }
        catch (RequestBodyException ex)
        {
            answer = new Answer(null, 400, ex.Message);
        }

        if (answer.Data is null && answer.Error is null && !answer.NullData)
        {
            return; // filtered: this server has nothing to say
        }

        SendRaw(reply, info => Envelope(info, answer));
    }

    private bool Skips(EventFilter filter) =>
        filter.Skips(_server.ServerName, ClusterName, _server.Options.Host, _server.Options.ServerTags);

    private ServerMonitor Monitor => _server.Monitor;

    private static Answer Data<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        new(MonitorHttpServer.GoEscape(JsonSerializer.SerializeToUtf8Bytes(value, type)));

    private Answer Subsz(RequestBody body, string account, bool subscriptions = false)
    {
        int offset = Math.Max(0, body.Int("offset"));
        int limit = body.Int("limit") is > 0 and int l ? l : ServerMonitor.DefaultListSize;
        object result = Monitor.Subsz(subscriptions || body.Bool("subscriptions"), offset, limit, body.String("test"), account);
        if (result is Subsz full)
        {
            return Data(full, _monitorJson.Subsz);
        }

        // Unlike HTTP, nats-server's $SYS answer is always the whole Subsz (an empty list left out).
        var stats = (SublistStatsJson)result;
        Subsz page = Monitoring.Subsz.From(stats, _server.ServerId, offset, limit);
        var node = (System.Text.Json.Nodes.JsonObject)JsonSerializer.SerializeToNode(page, _monitorJson.Subsz)!;
        node.Remove("subscriptions_list");
        return new Answer(MonitorHttpServer.GoEscape(Encoding.UTF8.GetBytes(node.ToJsonString(_monitorJson.Options))));
    }

    private Answer Connz(RequestBody body, string account)
    {
        int state = body.Int("state");
        var opts = new ConnzOptions
        {
            Sort = body.String("sort"),
            Auth = body.Bool("auth"),
            Subs = body.Bool("subscriptions"),
            SubsDetail = body.Bool("subscriptions_detail"),
            Offset = body.Int("offset"),
            Limit = body.Int("limit"),
            Cid = body.UInt64("cid"),
            State = state switch { 1 => ConnState.Closed, 2 => ConnState.All, _ => ConnState.Open },
            User = body.String("user"),
            Account = account,
        };
        return Data(Monitor.Connz(opts), _monitorJson.Connz);
    }

    private Answer Accountz(string account)
    {
        Accountz result = Monitor.Accountz(account);
        return Data(result, _monitorJson.Accountz);
    }

    private Answer AccountInfo(string account)
    {
        if (_server.FindAccount(account) is null)
        {
            return new Answer(null, 500, $"Account {account} does not exist", NullData: true);
        }

        AccountInfo detail = Monitor.Accountz(account).AccountDetail!;
        return Data(detail, _monitorJson.AccountInfo);
    }

    /// <summary>nats-server answers an account STATZ only for accounts with local connections (or with include_unused).</summary>
    private Answer AccountStatz(List<string> accounts, bool includeUnused)
    {
        AccountStatz all = Monitor.AccountStatz(includeUnused);
        var picked = accounts.Count == 0 ? all.Accounts : all.Accounts.Where(a => accounts.Contains(a.Account)).ToList();
        if (picked.Count == 0 && !includeUnused)
        {
            return Answer.Skip;
        }

        return Data(new AccountStatz { ServerId = all.ServerId, Now = all.Now, Accounts = picked }, _monitorJson.AccountStatz);
    }

    /// <summary>/jsz of a server without JetStream, as nats-server 2.9.10 answers it.</summary>
    private string JszDisabled() =>
        $$"""{"server_id":"{{ServerId}}","now":"{{GoFormat.Time(DateTime.UtcNow)}}","disabled":true,"config":{"max_memory":0,"max_storage":0},"memory":0,"storage":0,"reserved_memory":0,"reserved_storage":0,"accounts":0,"ha_assets":0,"api":{"total":0,"errors":0},"streams":0,"consumers":0,"messages":0,"bytes":0}""";

    /// <summary><c>{"server":{…},"data":…}</c> or <c>{"server":{…},["data":null,]"error":{"code":…,"description":…}}</c>.</summary>
    private static byte[] Envelope(EventServerInfo info, Answer answer)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("server");
            writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(info, SystemJson.Default.EventServerInfo), skipInputValidation: true);
            if (answer.Data is not null)
            {
                writer.WritePropertyName("data");
                writer.WriteRawValue(answer.Data, skipInputValidation: true);
            }
            else
            {
                if (answer.NullData)
                {
                    writer.WriteNull("data");
                }

                if (answer.Error is not null)
                {
                    writer.WriteStartObject("error");
                    writer.WriteNumber("code", answer.ErrorCode);
                    writer.WriteString("description", answer.Error);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndObject();
        }

        return MonitorHttpServer.GoEscape(buffer.WrittenSpan.ToArray());
    }
}
