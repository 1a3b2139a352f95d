using NatsSharp.CommandLine;
using NatsSharp.Logging;
using NatsSharp.Server;

namespace NatsSharp.Daemon;

/// <summary>
/// SIGHUP / <c>-sl reload</c>: re-read the config file from scratch, lay the command-line
/// flags over it again (a flag still wins), and hand the result to the server, which
/// applies it or refuses it as a whole.
/// </summary>
internal static class DaemonReload
{
    /// <summary>Reloads and logs a failure; returns null or the reason (a $SYS RELOAD request answers with it).</summary>
    public static string? Run(NatsServer server, string[] args, DaemonLog log)
    {
        string? error = TryReload(server, args);
        if (error is not null)
        {
            log.Logger.Error("Failed to reload server configuration: {Error:l}", error);
        }

        return error;
    }

    /// <summary>Null on success, else the reason, in nats-server's words.</summary>
    private static string? TryReload(NatsServer server, string[] args)
    {
        string file = server.Options.ConfigFile;
        if (file.Length == 0)
        {
            return "can only reload config when a file is provided using -c or --config";
        }

        try
        {
            ServerOptions fresh = ConfigFileLoader.Load(file, new ServerOptions(), []);
            CommandLineOptions.Parse(args, fresh).ApplyRoutes(fresh);
            fresh.ConfigFile = file;
            server.Reload(fresh);
            return null;
        }
        catch (Exception ex) when (ConfigFileLoader.IsConfigError(ex) || ex is NatsServerException or FlagException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    /// <summary>The parts of a reload the daemon owns: log destination and level, and the pid file.</summary>
    public static void ApplyHostOptions(ServerOptions old, ServerOptions next, DaemonLog log)
    {
        try
        {
            log.Apply(next);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Logger.Error("Failed to reconfigure logging: {Error:l}", ex.Message);
        }

        if (next.PidFile != old.PidFile && next.PidFile.Length > 0)
        {
            PidFile.Write(next.PidFile);
        }
    }
}
