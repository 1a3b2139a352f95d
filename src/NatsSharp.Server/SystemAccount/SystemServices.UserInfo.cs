using System.Buffers;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Internal;
using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// <c>$SYS.REQ.USER.INFO</c> (nats-server 2.10): any client asks who it is. Every account, the system
/// account too, imports it as <c>$SYS.REQ.USER.&lt;acc&gt;.INFO</c>; the import adds the requester's client
/// info as a <c>Nats-Request-Info</c> header, and the answer is its user, account and permissions. Only
/// the server the client is connected to answers: the service's interest is not announced to routes
/// (nats-server 2.10 announced it, and a server that did not authenticate the client could answer first
/// without its permissions; later versions answer only on the client's server).
/// </summary>
internal sealed partial class SystemServices
{
    private const string UserInfoSubject = "$SYS.REQ.USER.INFO";

    private static readonly AccountExport UserInfoExport = new() { Kind = ExchangeKind.Service, Subject = "$SYS.REQ.USER.*.INFO" };

    /// <summary>The requester as the <c>Nats-Request-Info</c> header carries it.</summary>
    internal byte[] RequestInfo(ClientConnection client) =>
        JsonSerializer.SerializeToUtf8Bytes(new RequestInfo
        {
            Start = GoFormat.Time(client.Started),
            Host = client.RemoteHost,
            Id = client.Id,
            Account = client.AccountName,
            User = NullIfEmpty(client.RawAuthUser),
            Name = NullIfEmpty(client.ConnectInfo?.Name),
            Lang = NullIfEmpty(client.ConnectInfo?.Lang),
            Version = NullIfEmpty(client.ConnectInfo?.Version),
            Rtt = client.Rtt.Ticks * 100,
            Server = _server.ServerName,
            Cluster = NullIfEmpty(ClusterName),
            Kind = "Client",
            ClientType = client.IsWebSocket ? "websocket" : "nats",
        }, SystemJson.Default.RequestInfo);

    private void SubscribeUserInfo()
    {
        var subscriber = new InternalSubscriber(Account, (Account _, in InternalMessage m) =>
        {
            ReceivedMessage copy = m.ToReceived();
            _work.Writer.TryWrite(() => OnUserInfoRequest(copy));
        });
        byte[] subject = Encoding.UTF8.GetBytes(UserInfoExport.Subject);
        var sub = new Subscription(subscriber, subject, null, subject) { AccountName = Account.Name };
        subscriber.Subscription = sub;
        Account.Sublist.Insert(sub); // not announced: only the requester's own server knows its permissions
    }

    /// <summary>
    /// nats-server's userInfoReq: user and account from the header, permissions of that client. A request
    /// published straight into the system account has no header: empty user and account; a header block
    /// without ours does not decode (error 400).
    /// </summary>
    private void OnUserInfoRequest(ReceivedMessage m)
    {
        if (m.Reply is not { } reply)
        {
            return;
        }

        var data = new UserInfo();
        if (m.Header is { Length: > 0 } header)
        {
            RequestInfo? info = null;
            try
            {
                info = RequestInfoHeader.Find(header) is { } json ? JsonSerializer.Deserialize(json, SystemJson.Default.RequestInfo) : null;
            }
            catch (JsonException)
            {
            }

            if (info is null)
            {
                SendRaw(reply, server => UserInfoError(server));
                return;
            }

            data.User = info.User ?? "";
            data.Account = info.Account ?? "";
            ClientConnection? client = _server.Clients.FirstOrDefault(c => c.Id == info.Id);
            if (client?.PermissionsSource is { } permissions)
            {
                data.Permissions = UserInfoPermissions.From(permissions);
            }
        }

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(data, SystemJson.Default.UserInfo);
        SendRaw(reply, server => Envelope(server, new Answer(MonitorHttpServer.GoEscape(body))));
    }

    /// <summary><c>{"server":{…},"error":{"code":400}}</c>: nats-server sets no description here.</summary>
    private static byte[] UserInfoError(EventServerInfo server)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("server");
            writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(server, SystemJson.Default.EventServerInfo), skipInputValidation: true);
            writer.WriteStartObject("error");
            writer.WriteNumber("code", 400);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The import of <c>$SYS.REQ.USER.INFO</c> into <paramref name="importer"/> (the system account included).</summary>
    private void ImportUserInfo(Account importer, List<ServiceImport> services)
    {
        if (services.Any(s => s.From == UserInfoSubject))
        {
            return;
        }

        var service = new ServiceImport(importer, Account, UserInfoSubject, $"$SYS.REQ.USER.{importer.Name}.INFO", UserInfoExport) { Share = true, CarriesRequester = true };
        services.Add(service);
        Subscribe(importer, importer.Internal, UserInfoSubject, service);
    }
}
