namespace NatsSharp.Load;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(Options.Usage);
            return 2;
        }

        if (args[0] == "stalls")
        {
            return StallProbe.Run(args); // no server: the machine's own noise
        }

        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (LoadException ex)
        {
            Console.Error.WriteLine($"natsload: {ex.Message}");
            Console.Error.WriteLine("try 'natsload --help'");
            return 2;
        }

        if (options.Help)
        {
            Console.Out.Write(Options.Usage);
            return 0;
        }

        RunResult result = RunBounded(options);
        if (options.Json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            ResultWriter.WriteJson(result, stdout);
        }
        else
        {
            ResultWriter.WriteText(result, Console.Out);
        }

        return result.Ok ? 0 : 1;
    }

    /// <summary>Runs the scenario on its own thread so the --timeout holds even if a socket call blocks.</summary>
    private static RunResult RunBounded(Options options)
    {
        Deadline deadline = Deadline.After(options.Timeout);
        var run = Task.Factory.StartNew(() => Run(options, deadline), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            // A little grace lets the scenario report its own, more specific timeout first.
            if (!run.Wait(options.Timeout + TimeSpan.FromSeconds(2)))
            {
                return RunResult.Failed(options, $"hard timeout: run did not finish within {options.Timeout.TotalSeconds:0.#}s");
            }

            return run.Result;
        }
        catch (AggregateException ex) when (ex.InnerException is LoadException load)
        {
            return RunResult.Failed(options, load.Message);
        }
        catch (AggregateException ex)
        {
            return RunResult.Failed(options, ex.InnerException?.ToString() ?? ex.Message);
        }
    }

    private static RunResult Run(Options options, Deadline deadline) => options.Scenario switch
    {
        Scenario.Pub => PubScenario.Run(options, deadline),
        Scenario.ReqRep => ReqRepScenario.Run(options, deadline),
        Scenario.Storm => StormScenario.Run(options, deadline),
        Scenario.Idle => IdleScenario.Run(options, deadline),
        Scenario.JsPub or Scenario.JsFetch or Scenario.KvPut or Scenario.KvGet => JsScenario.Run(options, deadline),
        _ => FanScenario.Run(options, deadline),
    };
}
