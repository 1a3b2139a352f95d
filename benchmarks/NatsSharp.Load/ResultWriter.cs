using System.Globalization;
using System.Text.Json;

namespace NatsSharp.Load;

/// <summary>Renders a <see cref="RunResult"/> as a human report or a single JSON line.</summary>
internal static class ResultWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void WriteJson(RunResult r, Stream output)
    {
        using (var json = new Utf8JsonWriter(output))
        {
            Options o = r.Options;
            json.WriteStartObject();
            json.WriteString("scenario", Options.Name(o.Scenario));
            json.WriteString("url", NatsUrl.Parse(o.Url).ToString());
            json.WriteBoolean("ok", r.Ok);
            if (r.Error is not null)
            {
                json.WriteString("error", r.Error);
            }

            json.WriteString("server_name", r.ServerName);
            json.WriteString("server_version", r.ServerVersion);
            json.WriteNumber("msgs", o.Msgs);
            json.WriteNumber("size", o.Size);
            json.WriteNumber("pubs", o.Pubs);
            json.WriteNumber("subs", o.Subs);
            json.WriteNumber("elapsed_ms", Round(r.ElapsedSeconds * 1000, 3));
            json.WriteNumber("msgs_per_sec", Math.Round(r.MsgsPerSec));
            json.WriteNumber("bytes_per_sec", Math.Round(r.PayloadBytesPerSec));
            json.WriteNumber("pub_msgs_per_sec", Math.Round(r.PubMsgsPerSec));
            json.WriteNumber("published", r.Published);
            json.WriteNumber("expected", r.Expected);
            json.WriteNumber("delivered", r.Delivered);
            json.WriteNumber("lost", r.Lost);
            if (r.ClientCpuMs >= 0)
            {
                json.WriteNumber("client_cpu_ms", Round(r.ClientCpuMs, 1));
            }

            if (r.LaunchMs >= 0)
            {
                json.WriteNumber("launch_ms", Round(r.LaunchMs, 1));
            }

            if (r.Retransmitted >= 0)
            {
                json.WriteNumber("retransmitted", r.Retransmitted);
            }
            if (r.RssBeforeKb >= 0 && r.RssAfterKb >= 0)
            {
                json.WriteNumber("rss0_kb", r.RssBeforeKb);
                json.WriteNumber("rss_kb", r.RssAfterKb);
                json.WriteNumber("rss_per_conn_kb", Round((double)(r.RssAfterKb - r.RssBeforeKb) / Math.Max(1, r.Delivered), 3));
                json.WriteBoolean("rss_settled", r.RssSettled);
            }

            if (r.PerSubscriber.Length > 0)
            {
                json.WriteStartArray("per_sub");
                foreach (long n in r.PerSubscriber)
                {
                    json.WriteNumberValue(n);
                }

                json.WriteEndArray();
            }

            if (r.Latency is { } l)
            {
                json.WriteStartObject("latency_us");
                json.WriteNumber("min_us", Round(l.Min, 1));
                json.WriteNumber("mean_us", Round(l.Mean, 1));
                json.WriteNumber("p50_us", Round(l.P50, 1));
                json.WriteNumber("p90_us", Round(l.P90, 1));
                json.WriteNumber("p99_us", Round(l.P99, 1));
                json.WriteNumber("p999_us", Round(l.P999, 1));
                json.WriteNumber("max_us", Round(l.Max, 1));
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
        output.Flush();
    }

    public static void WriteText(RunResult r, TextWriter w)
    {
        Options o = r.Options;
        string server = r.ServerName.Length > 0 || r.ServerVersion.Length > 0 ? $"  (server {r.ServerVersion} {r.ServerName})" : "";
        w.WriteLine($"natsload {Options.Name(o.Scenario)}  {NatsUrl.Parse(o.Url)}{server}");
        string shape = o.Scenario switch
        {
            Scenario.Pub => $"{o.Pubs} pub(s), no subscribers",
            Scenario.PubSub => "1 pub -> 1 sub",
            Scenario.Fanout => $"1 pub -> {o.Subs} subs",
            Scenario.Queue => $"1 pub -> {o.Subs} subs in queue group '{o.QueueGroup}'",
            Scenario.FanIn => $"{o.Pubs} pubs -> 1 sub",
            Scenario.Storm => "clients connecting at once",
            Scenario.Idle => "idle clients (CONNECT, one SUB, PING/PONG), held open",
            Scenario.JsPub => $"publish with acks into file stream {JsScenario.Stream}, window {(o.Window > 0 ? o.Window : 1000)}",
            Scenario.JsFetch => $"pull consumer on file stream {JsScenario.Stream}, batch {o.Batch}, explicit acks",
            Scenario.KvPut or Scenario.KvGet => $"KV bucket {JsScenario.Bucket}, {o.Subjects} keys, window {(o.Window > 0 ? o.Window : 1000)}",
            _ => "1 requester <-> 1 responder",
        };
        w.WriteLine($"  {N(o.Msgs)} {(o.Scenario == Scenario.ReqRep ? "requests" : "msgs")} x {N(o.Size)} B on '{o.Subject}', {shape}");

        if (r.ElapsedSeconds > 0)
        {
            switch (o.Scenario)
            {
                case Scenario.Pub:
                    w.WriteLine($"  published  {Rate(r.MsgsPerSec)} msgs/s  ({Mb(r.PayloadBytesPerSec)})  in {r.ElapsedSeconds:0.000} s");
                    break;
                case Scenario.Storm:
                    w.WriteLine($"  connected  {Rate(r.MsgsPerSec)} clients/s, all {N(r.Delivered)} have their PONG after {r.ElapsedSeconds * 1000:0.0} ms");
                    w.WriteLine($"  natsload issued the last connect after {r.LaunchMs:0} ms; its own CPU over the storm {r.ClientCpuMs:0} ms; {N(r.Retransmitted)} clients retransmitted (a SYN dropped: +1 s)");
                    w.WriteLine("  latency = each client's time from the storm's start to its PONG");
                    break;
                case Scenario.Idle:
                    w.WriteLine($"  connected  {N(r.Delivered)} idle clients in {r.ElapsedSeconds:0.0} s");
                    if (r.RssBeforeKb >= 0 && r.RssAfterKb >= 0)
                    {
                        double per = (double)(r.RssAfterKb - r.RssBeforeKb) / Math.Max(1, r.Delivered);
                        w.WriteLine(string.Create(Inv, $"  server RSS {r.RssBeforeKb / 1024.0:0.0} MB before, {r.RssAfterKb / 1024.0:0.0} MB with them: {per:0.00} KB per idle client{(r.RssSettled ? "" : " (NOT settled within --hold)")}"));
                    }

                    break;
                case Scenario.ReqRep or Scenario.JsPub or Scenario.JsFetch or Scenario.KvPut or Scenario.KvGet:
                    w.WriteLine($"  requests   {Rate(r.MsgsPerSec)} req/s  in {r.ElapsedSeconds:0.000} s");
                    break;
                default:
                    w.WriteLine($"  delivered  {Rate(r.MsgsPerSec)} msgs/s  ({Mb(r.PayloadBytesPerSec)})  in {r.ElapsedSeconds:0.000} s  (total over subscribers)");
                    w.WriteLine($"  published  {Rate(r.PubMsgsPerSec)} msgs/s");
                    break;
            }
        }

        if (r.Latency is { } l)
        {
            w.WriteLine(string.Create(Inv, $"  latency us p50 {l.P50:0.0}  p90 {l.P90:0.0}  p99 {l.P99:0.0}  p99.9 {l.P999:0.0}  max {l.Max:0.0}  (min {l.Min:0.0}, mean {l.Mean:0.0})"));
        }

        if (o.Scenario is Scenario.Fanout or Scenario.Queue && r.PerSubscriber.Length > 0 && r.ElapsedSeconds > 0)
        {
            for (int i = 0; i < r.PerSubscriber.Length; i++)
            {
                long n = r.PerSubscriber[i];
                string share = o.Scenario == Scenario.Queue && r.Delivered > 0 ? string.Create(Inv, $"  {100.0 * n / r.Delivered,5:0.0}%") : "";
                w.WriteLine($"    sub {i + 1,-3} {N(n),13} msgs  {Rate(n / r.ElapsedSeconds)} msgs/s{share}");
            }
        }

        if (r.Expected > 0)
        {
            w.WriteLine($"  received   {N(r.Delivered)} / {N(r.Expected)}" + (r.Lost == 0 ? "  (no loss)" : $"  LOST {N(r.Lost)}"));
        }

        if (r.Error is not null)
        {
            w.WriteLine($"  ERROR: {r.Error}");
        }
    }

    private static double Round(double value, int digits) => Math.Round(value, digits);

    private static string N(long value) => value.ToString("#,0", Inv);

    private static string Rate(double value) => value.ToString("#,0", Inv).PadLeft(11);

    private static string Mb(double bytesPerSec) => string.Create(Inv, $"{bytesPerSec / (1024 * 1024):0.0} MB/s");
}
