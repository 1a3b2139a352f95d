using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>$SYS.REQ.SERVER.PING.JSZ and $SYS.REQ.ACCOUNT.&lt;acc&gt;.JSZ carry the JetStream engine's numbers, as nats-server 2.9.10's.</summary>
public sealed class JetStreamSystemJszTests
{
    private static readonly HashSet<string> Ignored = ["data.config.compress_ok", "data.config.sync_interval"];

    [Fact]
    public async Task Jsz_requests_answer_with_the_engines_numbers()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-jsz-").FullName;
        string conf = Path.Combine(dir, "js.conf");
        await File.WriteAllTextAsync(conf, $$"""
            jetstream { store_dir: "{{Path.Combine(dir, "ref")}}" }
            accounts {
              SYS { users [{user: sys, password: sys}] }
              A { jetstream { max_mem: 100K }, users [{user: a, password: a}] }
              B { users [{user: b, password: b}] }
            }
            system_account: SYS
            """);
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", conf);
        Server.ServerOptions loaded = ConfigBinder.Load(conf).Options;
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            o.Accounts = loaded.Accounts;
            o.SystemAccount = loaded.SystemAccount;
            o.JetStream = new Server.JetStream.JetStreamOptions { StoreDir = Path.Combine(dir, "ours") };
        });

        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}");
        List<string> mine = await PlayAsync(ours.Url);
        for (int i = 0; i < theirs.Count; i++)
        {
            JsonShape.AssertSame($"answer {i}", theirs[i], mine[i], Ignored);
            Assert.Equal(Numbers(theirs[i]), Numbers(mine[i]));
        }
    }

    /// <summary>The numbers that must agree: streams, messages, reservations, errors.</summary>
    private static string Numbers(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement r = doc.RootElement;
        if (r.TryGetProperty("error", out JsonElement e))
        {
            return e.GetRawText();
        }

        JsonElement d = r.GetProperty("data");
        string Get(string name) => d.TryGetProperty(name, out JsonElement v) ? v.GetRawText() : "-";
        return $"streams={Get("streams")} messages={Get("messages")} accounts={Get("accounts")} reserved_memory={Get("reserved_memory")} name={Get("name")} "
            + $"details={(d.TryGetProperty("account_details", out JsonElement a) ? a.GetArrayLength() : -1)}";
    }

    private static async Task<List<string>> PlayAsync(string url)
    {
        await using (NatsConnection a = await ConnectAsync(url, "a"))
        {
            await RequestAsync(a, "$JS.API.STREAM.CREATE.S1", """{"name":"S1","subjects":["a.>"],"storage":"memory"}""");
            await RequestAsync(a, "a.1", "hello");
        }

        await using NatsConnection sys = await ConnectAsync(url, "sys");
        return
        [
            await RequestAsync(sys, "$SYS.REQ.SERVER.PING.JSZ", ""),
            await RequestAsync(sys, "$SYS.REQ.SERVER.PING.JSZ", """{"accounts":true}"""),
            await RequestAsync(sys, "$SYS.REQ.ACCOUNT.A.JSZ", ""),
            await RequestAsync(sys, "$SYS.REQ.ACCOUNT.B.JSZ", ""),
        ];
    }

    private static Task<NatsConnection> ConnectAsync(string url, string user) =>
        NatsNetClient.ConnectAsync(url, o => o with { AuthOpts = new NatsAuthOpts { Username = user, Password = user } });

    private static async Task<string> RequestAsync(NatsConnection c, string subject, string body)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        return Encoding.UTF8.GetString(reply.Data ?? []);
    }
}
