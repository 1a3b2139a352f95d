using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NatsSharp.Daemon;

/// <summary>
/// <c>-sl stop|quit|term|reopen|reload|ldm[=pid|pidfile]</c>: signal a running server and
/// exit, with nats-server's wording and exit codes. Without a pid it looks for the one
/// running process with our name.
/// </summary>
internal static partial class SignalCommand
{
    private const int SigHup = 1;
    private const int SigInt = 2;
    private const int SigKill = 9;
    private const int SigUsr1 = 10;
    private const int SigUsr2 = 12;
    private const int SigTerm = 15;

    public static int Run(string argument, TextWriter error)
    {
        string[] parts = argument.Split('=');
        if (parts.Length > 2)
        {
            error.WriteLine($"natssharp: invalid signal parameters: [{string.Join(' ', parts[2..])}]");
            return 1;
        }

        int? signal = parts[0] switch
        {
            "stop" => SigKill,
            "quit" => SigInt,
            "term" => SigTerm,
            "reopen" => SigUsr1,
            "reload" => SigHup,
            "ldm" => SigUsr2,
            _ => null,
        };
        if (signal is null)
        {
            error.WriteLine($"natssharp: unknown signal \"{parts[0]}\"");
            return 1;
        }

        int pid;
        if (parts.Length == 2)
        {
            string value = parts[1];
            if (File.Exists(value))
            {
                value = File.ReadAllText(value).Trim();
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out pid))
            {
                error.WriteLine($"natssharp: invalid pid: {value}"); // a pid file's contents, as nats-server
                return 1;
            }
        }
        else
        {
            int? found = FindSingleServer(error);
            if (found is null)
            {
                return 1;
            }

            pid = found.Value;
        }

        if (Kill(pid, signal.Value) != 0)
        {
            // Go prints the errno text of kill(2).
            string reason = Marshal.GetLastPInvokeError() == 1 ? "operation not permitted" : "no such process";
            error.WriteLine($"natssharp: {reason}");
            return 1;
        }

        return 0;
    }

    private static int? FindSingleServer(TextWriter error)
    {
        string name = PortsFile.InvokedName();
        int self = Environment.ProcessId;
        var pids = new List<int>();
        foreach (Process p in Process.GetProcesses())
        {
            using (p)
            {
                if (p.Id != self && IsNamed(p.Id, name))
                {
                    pids.Add(p.Id);
                }
            }
        }

        if (pids.Count == 0)
        {
            error.WriteLine($"natssharp: no {name} processes running");
            return null;
        }

        if (pids.Count > 1)
        {
            error.WriteLine($"natssharp: multiple {name} processes running:");
            foreach (int pid in pids)
            {
                error.WriteLine(pid.ToString(CultureInfo.InvariantCulture));
            }

            return null;
        }

        return pids[0];
    }

    /// <summary>Matches the executable name in argv[0] or, under "dotnet x.dll", argv[1].</summary>
    private static bool IsNamed(int pid, string name)
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (argv.Length == 0)
            {
                return false;
            }

            string first = Path.GetFileName(argv[0]);
            if (first == name)
            {
                return true;
            }

            return first == "dotnet" && argv.Length > 1 && Path.GetFileNameWithoutExtension(argv[1]) == name;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
