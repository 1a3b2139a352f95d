using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NatsSharp.Daemon;

/// <summary>
/// The ports file nats-server writes for test harnesses: <c>&lt;program name&gt;_&lt;pid&gt;.ports</c>
/// holding <c>{"nats":["nats://127.0.0.1:4222"],"monitoring":[...]}</c>, removed at exit. The
/// program name is the one we were invoked by, so a harness that runs us as "nats-server" finds it.
/// </summary>
internal static class PortsFile
{
    public static string Write(string directory, string host, int clientPort, int monitorPort, bool monitorTls = false)
    {
        string path = Path.Combine(directory, $"{InvokedName()}_{Environment.ProcessId}.ports");
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("nats");
            foreach (string h in AdvertisedHosts(host))
            {
                json.WriteStringValue($"nats://{h}:{clientPort}");
            }

            json.WriteEndArray();
            if (monitorPort > 0)
            {
                json.WriteStartArray("monitoring");
                foreach (string h in AdvertisedHosts(host))
                {
                    json.WriteStringValue($"{(monitorTls ? "https" : "http")}://{h}:{monitorPort}");
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        // Written aside and renamed, so a harness polling for the file never reads it half written.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.tmp");
        File.WriteAllBytes(temporary, stream.ToArray());
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>argv[0]'s file name: /proc/self/cmdline keeps it even through a symlink.</summary>
    internal static string InvokedName()
    {
        try
        {
            byte[] cmdline = File.ReadAllBytes("/proc/self/cmdline");
            int end = Array.IndexOf(cmdline, (byte)0);
            string argv0 = Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
            string name = Path.GetFileName(argv0);
            // Under "dotnet natssharp.dll" argv[0] is the host; the program is the dll.
            if (name is "dotnet" or "dotnet.exe")
            {
                return Path.GetFileNameWithoutExtension(Environment.GetCommandLineArgs()[0]);
            }

            return name;
        }
        catch (IOException)
        {
            return Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "natssharp");
        }
    }

    /// <summary>A wildcard listen address is advertised as the host's addresses, as nats-server does.</summary>
    private static IEnumerable<string> AdvertisedHosts(string host)
    {
        if (host is not ("0.0.0.0" or "" or "::" or "[::]"))
        {
            yield return host.Contains(':', StringComparison.Ordinal) ? $"[{host.Trim('[', ']')}]" : host;
            yield break;
        }

        var found = new List<string>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }

            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
            {
                if (a.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a.Address))
                {
                    found.Add(a.Address.ToString());
                }
            }
        }

        if (found.Count == 0)
        {
            found.Add("127.0.0.1");
        }

        foreach (string h in found)
        {
            yield return h;
        }
    }

    public static void Remove(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
