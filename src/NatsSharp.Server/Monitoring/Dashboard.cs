using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>The live dashboard served at the monitoring root (nats-server serves a list of links there).</summary>
internal static class Dashboard
{
    private static readonly string Template = Load();

    /// <summary>The page with its endpoint links pointing under <paramref name="basePath"/>.</summary>
    public static byte[] Render(string basePath)
    {
        string prefix = basePath == "/" ? "/" : basePath + "/";
        return Encoding.UTF8.GetBytes(Template
            .Replace("{{BASE}}", prefix, StringComparison.Ordinal)
            .Replace("{{VERSION}}", ServerVersion.Compatible, StringComparison.Ordinal)
            .Replace("{{PRODUCT}}", ServerVersion.Product, StringComparison.Ordinal));
    }

    private static string Load()
    {
        using Stream stream = typeof(Dashboard).Assembly.GetManifestResourceStream("NatsSharp.Server.Monitoring.Dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is missing from the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
