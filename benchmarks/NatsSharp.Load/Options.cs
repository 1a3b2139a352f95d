using System.Globalization;

namespace NatsSharp.Load;

/// <summary>Command line of natsload.</summary>
internal sealed class Options
{
    public const string Usage = """
        natsload - end-to-end load generator for any NATS server (raw TCP client, no TLS)

        usage: natsload <scenario> [options]
               natsload --scenario <scenario> [options]

        scenarios:
          pub      N publishers, no subscribers                     -> published msgs/s
          pubsub   1 publisher -> 1 subscriber                      -> received msgs/s (and sent msgs/s)
          fanout   1 publisher -> N subscribers on one subject      -> delivered msgs/s, total and per subscriber
          queue    1 publisher -> N subscribers in one queue group  -> delivered msgs/s, distribution
          fanin    N publishers (own connections) -> 1 subscriber   -> received msgs/s (and sent msgs/s)
          reqrep   1 requester, 1 responder, one request in flight  -> latency percentiles (us), requests/s
          storm    --msgs clients connect at once (INFO, CONNECT, PING) -> connects/s, time until all have PONG
          idle     the server's memory per idle client (--pid: the server's process on this host): its RSS once
                   settled, then --msgs clients (default 10k) connect as a real idle client does (CONNECT, one
                   SUB to its own inbox, PING/PONG) and stay; its RSS once settled again -> KB per client
          stalls   no server: one thread pinned to each CPU reads the clock for --hold seconds (default 3) ->
                   how often and how long this machine did not run a thread that wanted to (a VM's steal,
                   interrupts): the floor under any server's p99.9 and max latency here
          js-pub   publish with acks into a file stream, --window unacked -> acked msgs/s, ack latency
                   (--window 1: synchronous publish, p50/p99)
          js-fetch fill a file stream, then a pull consumer fetches --batch at a time, acking each -> msgs/s
          kv-put   KV puts (publish with ack) over --subjects keys, --window in flight -> ops/s, latency
          kv-get   KV gets (direct get) of --subjects keys, --window in flight -> ops/s, latency

        options:
          --url <url>          server, nats://[user:pass@|token@]host[:port]   (default nats://127.0.0.1:4222)
          --sub-url <url>      subscribers connect here instead (pubsub/fanout/queue/fanin), e.g. another
                               node of a cluster to measure route throughput   (default: --url)
          --msgs <n>           messages (requests for reqrep); accepts 500k, 1m  (default 1m; reqrep 20k)
          --size <bytes>       payload size                                        (default 16)
          --pubs <n>           publishers for pub and fanin                        (default 1; fanin 4)
          --subs <n>           subscribers for fanout/queue                        (default 4)
          --subject <subj>     subject to use                                      (default natsload.bench)
          --subjects <n>       spread messages over n subjects <subject>.0 .. <subject>.<n-1>; every
                               subscriber subscribes to each (pubsub/fanout/queue/fanin) (default 1)
          --hold <sec>         storm: keep the clients connected this long after the last PONG (default 0);
                               idle: the longest wait for the server's RSS to settle, each time (default 30)
          --pid <pid>          idle: the server's process id, whose /proc/<pid>/status VmRSS is read
          --queue <name>       queue group name for the queue scenario             (default natsload)
          --window <n>         max messages published but not yet received by the slowest
                               subscriber (queue: by the group); default = 16 MB worth
          --batch <n>          js-fetch: messages per pull request                 (default 100)
          --warmup <n>         reqrep: unmeasured requests first                   (default 1000)
          --timeout <sec>      hard bound on the whole run; reports an error instead of hanging (default 60)
          --idle <sec>         give up (and report loss) when no delivery arrives this long (default 5)
          --json               print one JSON line instead of the human-readable report
          -h, --help           this text

        Throughput is timed from the first publish to the last message received (pub: to the PONG that
        confirms the server processed the last PUB). Every expected message must arrive; otherwise the run
        reports the loss and exits with status 1. Exit status: 0 ok, 1 run failed, 2 bad usage.
        """;

    public Scenario Scenario { get; private set; }

    public string Url { get; private set; } = "nats://127.0.0.1:4222";

    /// <summary>Where subscribers connect; empty = <see cref="Url"/>.</summary>
    public string SubUrl { get; private set; } = "";

    public long Msgs { get; private set; }

    public int Size { get; private set; } = 16;

    public int Pubs { get; private set; } = 1;

    public int Subs { get; private set; } = 4;

    public string Subject { get; private set; } = "natsload.bench";

    public string QueueGroup { get; private set; } = "natsload";

    /// <summary>Distinct subjects the messages are spread over; 1 = <see cref="Subject"/> itself.</summary>
    public int Subjects { get; private set; } = 1;

    /// <summary>Storm: how long the clients stay connected after the last PONG.</summary>
    public TimeSpan Hold { get; private set; } = TimeSpan.Zero;

    /// <summary>Idle: the server's process id (its RSS is read from /proc); 0 = not given.</summary>
    public int Pid { get; private set; }

    /// <summary>In-flight cap in messages; 0 = derive from message size.</summary>
    public long Window { get; private set; }

    public int Warmup { get; private set; } = 1000;

    /// <summary>js-fetch: messages per pull request.</summary>
    public int Batch { get; private set; } = 100;

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(60);

    public TimeSpan Idle { get; private set; } = TimeSpan.FromSeconds(5);

    public bool Json { get; private set; }

    public bool Help { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        Scenario? scenario = null;
        long? msgs = null;
        int? subs = null;
        int? pubs = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Length)
                {
                    throw new LoadException($"{arg} needs a value");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "-h":
                case "--help":
                    o.Help = true;
                    break;
                case "--scenario":
                    scenario = ParseScenario(Value());
                    break;
                case "--url":
                case "-s":
                    o.Url = Value();
                    break;
                case "--sub-url":
                    o.SubUrl = Value();
                    break;
                case "--msgs":
                case "-n":
                    msgs = ParseCount(arg, Value(), 1);
                    break;
                case "--size":
                    o.Size = (int)ParseCount(arg, Value(), 0, 64L * 1024 * 1024);
                    break;
                case "--pubs":
                    pubs = (int)ParseCount(arg, Value(), 1, 1024);
                    break;
                case "--subs":
                    subs = (int)ParseCount(arg, Value(), 1, 1024);
                    break;
                case "--subject":
                    o.Subject = ParseToken(arg, Value());
                    break;
                case "--queue":
                    o.QueueGroup = ParseToken(arg, Value());
                    break;
                case "--subjects":
                    o.Subjects = (int)ParseCount(arg, Value(), 1, 1_000_000);
                    break;
                case "--hold":
                    o.Hold = ParseSeconds(arg, Value());
                    break;
                case "--pid":
                    o.Pid = (int)ParseCount(arg, Value(), 1, int.MaxValue);
                    break;
                case "--window":
                    o.Window = ParseCount(arg, Value(), 1);
                    break;
                case "--batch":
                    o.Batch = (int)ParseCount(arg, Value(), 1, 1_000_000);
                    break;
                case "--warmup":
                    o.Warmup = (int)ParseCount(arg, Value(), 0, 10_000_000);
                    break;
                case "--timeout":
                    o.Timeout = ParseSeconds(arg, Value());
                    break;
                case "--idle":
                    o.Idle = ParseSeconds(arg, Value());
                    break;
                case "--json":
                    o.Json = true;
                    break;
                default:
                    if (arg.StartsWith('-') || scenario is not null)
                    {
                        throw new LoadException($"unknown argument '{args[i]}'");
                    }

                    scenario = ParseScenario(arg);
                    break;
            }
        }

        if (o.Help)
        {
            return o;
        }

        o.Scenario = scenario ?? throw new LoadException("no scenario given (pub, pubsub, fanout, queue, fanin, reqrep, storm, idle, js-pub, js-fetch, kv-put, kv-get)");
        o.Msgs = msgs ?? o.Scenario switch { Scenario.ReqRep => 20_000, Scenario.Storm => 5_000, Scenario.Idle => 10_000, _ => 1_000_000 };
        if (o.Scenario == Scenario.Idle)
        {
            if (o.Pid == 0)
            {
                throw new LoadException("idle needs --pid <server process id>");
            }

            if (o.Hold == TimeSpan.Zero)
            {
                o.Hold = TimeSpan.FromSeconds(30);
            }
        }

        o.Subs = o.Scenario switch
        {
            Scenario.Fanout or Scenario.Queue => subs ?? 4,
            Scenario.PubSub or Scenario.FanIn or Scenario.ReqRep => 1,
            _ => 0,
        };
        if (subs is not null && o.Scenario is not (Scenario.Fanout or Scenario.Queue))
        {
            throw new LoadException("--subs applies to fanout and queue only");
        }

        if (o.Scenario is Scenario.KvPut or Scenario.KvGet && o.Subjects == 1)
        {
            o.Subjects = 1000; // keys
        }

        if (o.Subjects != 1 && o.Scenario is not (Scenario.PubSub or Scenario.Fanout or Scenario.Queue or Scenario.FanIn or Scenario.KvPut or Scenario.KvGet))
        {
            throw new LoadException("--subjects applies to pubsub, fanout, queue and fanin only");
        }

        o.Pubs = o.Scenario switch
        {
            Scenario.Pub => pubs ?? 1,
            Scenario.FanIn => pubs ?? 4,
            _ => 1,
        };
        if (pubs is not null && o.Scenario is not (Scenario.Pub or Scenario.FanIn))
        {
            throw new LoadException("--pubs applies to pub and fanin only");
        }

        _ = NatsUrl.Parse(o.Url);
        if (o.SubUrl.Length > 0)
        {
            _ = NatsUrl.Parse(o.SubUrl);
        }
        return o;
    }

    public static string Name(Scenario scenario) => scenario switch
    {
        Scenario.JsPub => "js-pub",
        Scenario.JsFetch => "js-fetch",
        Scenario.KvPut => "kv-put",
        Scenario.KvGet => "kv-get",
        _ => scenario.ToString().ToLowerInvariant(),
    };

    private static Scenario ParseScenario(string text) => text.ToLowerInvariant() switch
    {
        "pub" => Scenario.Pub,
        "pubsub" or "pub-sub" => Scenario.PubSub,
        "fanout" or "fan-out" => Scenario.Fanout,
        "queue" => Scenario.Queue,
        "fanin" or "fan-in" => Scenario.FanIn,
        "reqrep" or "req-rep" or "request" => Scenario.ReqRep,
        "storm" => Scenario.Storm,
        "idle" => Scenario.Idle,
        "js-pub" => Scenario.JsPub,
        "js-fetch" => Scenario.JsFetch,
        "kv-put" => Scenario.KvPut,
        "kv-get" => Scenario.KvGet,
        _ => throw new LoadException($"unknown scenario '{text}' (pub, pubsub, fanout, queue, fanin, reqrep, storm, idle, js-pub, js-fetch, kv-put, kv-get)"),
    };

    private static long ParseCount(string name, string text, long min, long max = long.MaxValue)
    {
        string t = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        long scale = 1;
        if (t.EndsWith('k'))
        {
            scale = 1_000;
        }
        else if (t.EndsWith('m'))
        {
            scale = 1_000_000;
        }
        else if (t.EndsWith('g'))
        {
            scale = 1_000_000_000;
        }

        if (scale != 1)
        {
            t = t[..^1];
        }

        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
        {
            throw new LoadException($"{name}: '{text}' is not a number");
        }

        double scaled = value * scale;
        if (scaled < min || scaled > max || scaled != Math.Floor(scaled))
        {
            throw new LoadException($"{name}: '{text}' must be a whole number in [{min}, {max}]");
        }

        return (long)scaled;
    }

    private static TimeSpan ParseSeconds(string name, string text)
    {
        if (!double.TryParse(text.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > 86_400)
        {
            throw new LoadException($"{name}: '{text}' is not a positive number of seconds");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static string ParseToken(string name, string text)
    {
        if (text.Length == 0 || text.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            throw new LoadException($"{name}: '{text}' must be non-empty and contain no whitespace");
        }

        return text;
    }
}
