using System.Runtime.InteropServices;
using NatsSharp.CommandLine;
using NatsSharp.Daemon;
using NatsSharp.Logging;
using NatsSharp.Server;
using NatsSharp.Tools;

namespace NatsSharp;

/// <summary>The <c>natssharp</c> daemon: nats-server's command line, logging, files and signals around a <see cref="NatsServer"/>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Before anything touches the console: .NET decides then whether SIGINT/SIGQUIT are ours.
        SignalDisposition.RestoreDefaults(1, 2, 3, 10, 12, 15); // HUP INT QUIT USR1 USR2 TERM
        if (MkPasswd.IsInvocation(args))
        {
            return MkPasswd.Run(args[1..], Console.In, Console.Out, Console.Error, !Console.IsInputRedirected);
        }

        var options = new ServerOptions();
        CommandLineOptions cli;
        try
        {
            cli = CommandLineOptions.Parse(args, options);
        }
        catch (FlagException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Out.Write(UsageText.Usage);
            return ex.UnknownFlag ? 0 : 2;
        }

        if (cli.ShowHelp)
        {
            Console.Out.Write(UsageText.Usage);
            return 0;
        }

        if (cli.ShowVersion)
        {
            Console.Out.WriteLine(VersionLine);
            return 0;
        }

        if (cli.ShowTlsHelp)
        {
            Console.Out.Write(UsageText.TlsHelp);
            return 0;
        }

        if (cli.Rest.Length > 0)
        {
            switch (cli.Rest[0])
            {
                case "version":
                    Console.Out.WriteLine(VersionLine);
                    return 0;
                case "help":
                    Console.Out.Write(UsageText.Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"natssharp: unrecognized command: \"{cli.Rest[0]}\"");
                    return 1;
            }
        }

        if (cli.Signal.Length > 0)
        {
            return SignalCommand.Run(cli.Signal, Console.Error);
        }

        if (cli.TestConfig)
        {
            return TestConfig(cli.ConfigFile);
        }

        List<string> warnings = [];
        if (cli.ConfigFile.Length > 0)
        {
            try
            {
                options = ConfigFileLoader.Load(cli.ConfigFile, options, warnings);
            }
            catch (Exception ex) when (ConfigFileLoader.IsConfigError(ex))
            {
                Console.Error.WriteLine($"natssharp: {ex.Message}");
                return 1;
            }

            cli = CommandLineOptions.Parse(args, options); // flags win over the file
            options.ConfigFile = cli.ConfigFile;
        }

        foreach (string warning in warnings)
        {
            Console.Error.WriteLine(warning);
        }

        try
        {
            cli.ApplyRoutes(options);
        }
        catch (FlagException ex)
        {
            Console.Error.WriteLine($"natssharp: {ex.Message}");
            return 1;
        }

        try
        {
            cli.ValidateTls(options);
            NatsServer.Validate(options);
        }
        catch (NatsServerException ex)
        {
            Console.Error.WriteLine($"natssharp: {ex.Message}");
            return 1;
        }

        return await RunAsync(options, cli, args).ConfigureAwait(false);
    }

    /// <summary>-t: parse and bind the file, report, exit (start-up checks are not run, as in nats-server).</summary>
    private static int TestConfig(string path)
    {
        if (path.Length == 0)
        {
            Console.Error.WriteLine("natssharp: must specify [-c, --config] option to check configuration file(s)");
            return 1;
        }

        string? problem = ConfigFileLoader.Check(path);
        if (problem is not null)
        {
            Console.Error.WriteLine($"natssharp: {problem}");
            return 1;
        }

        Console.Error.WriteLine($"natssharp: configuration file {path} is valid");
        return 0;
    }

    private static string VersionLine => $"natssharp: v{ServerVersion.Compatible} (NatsSharp {ServerVersion.Product})";

    private static async Task<int> RunAsync(ServerOptions options, CommandLineOptions cli, string[] args)
    {
        using DaemonLog? log = OpenLog(options);
        if (log is null)
        {
            return 1;
        }

        foreach (string feature in cli.Unavailable)
        {
            log.Logger.Warning("{Feature:l} is not available in this build of NatsSharp; the flag is ignored", feature);
        }

        await using var server = new NatsServer(options, log.LoggerFactory);
        server.Reloading = (old, next) => DaemonReload.ApplyHostOptions(old, next, log);
        server.ConfigReloader = () => DaemonReload.Run(server, args, log);

        void Trapped(string name)
        {
            log.Logger.Debug("Trapped \"{Signal:l}\" signal", name);
        }

        int exitCode = 0;
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Stop(PosixSignalContext context, string name, int code)
        {
            context.Cancel = true; // we shut down ourselves, with the right exit code
            if (code != 0 && server.IsLameDuck)
            {
                return; // SIGTERM is ignored in lame-duck mode, as in nats-server
            }

            Trapped(name);
            exitCode = code;
            stopRequested.TrySetResult();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, "interrupt", 0));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, "terminated", 1));
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => Stop(c, "quit", 0));

        // A stop signal that comes while the parts start is kept and acted on once they have (as
        // nats-server traps them from the start); without these, the default action would kill
        // the process with 143 and no "Trapped" line.
        try
        {
            await server.StartAsync().ConfigureAwait(false);
        }
        catch (NatsServerException ex)
        {
            log.Logger.Fatal("{Error:l}", ex.Message);
            return 1;
        }

        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            Trapped("hangup");
            _ = DaemonReload.Run(server, args, log);
        });
        using var sigusr1 = PosixSignalRegistration.Create((PosixSignal)10, c =>
        {
            c.Cancel = true;
            Trapped("user defined signal 1");
            log.Reopen();
        });
        using var sigusr2 = PosixSignalRegistration.Create((PosixSignal)12, c =>
        {
            c.Cancel = true;
            Trapped("user defined signal 2");
            SystemdNotify.Stopping(); // lame duck mode ends in a shutdown
            _ = server.LameDuckAsync();
        });

        // The files announce a server that can already be signalled.
        if (options.PidFile.Length > 0)
        {
            PidFile.Write(options.PidFile);
        }

        string? portsFile = options.PortsFileDir.Length > 0
            ? PortsFile.Write(options.PortsFileDir, options.Host, server.Port, server.MonitorPort, server.MonitorIsHttps)
            : null;

        // Type=notify: systemd counts the service as started once clients can connect.
        SystemdNotify.Ready();

        await Task.WhenAny(stopRequested.Task, server.Stopped).ConfigureAwait(false);
        SystemdNotify.Stopping();
        await server.StopAsync().ConfigureAwait(false);
        PortsFile.Remove(portsFile);
        if (server.Options.PidFile.Length > 0)
        {
            PidFile.Remove(server.Options.PidFile);
        }

        return exitCode;
    }

    /// <summary>The daemon's log, or null (said on stderr) when its destination cannot be opened.</summary>
    private static DaemonLog? OpenLog(ServerOptions options)
    {
        try
        {
            return DaemonLog.Create(options, PortsFile.InvokedName());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"natssharp: {ex.Message}");
            return null;
        }
    }
}
