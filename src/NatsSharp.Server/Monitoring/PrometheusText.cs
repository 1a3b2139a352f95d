using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// Renders one <see cref="Meter"/> in the Prometheus text exposition format (0.0.4), collecting its
/// observable instruments through a <see cref="MeterListener"/> made for the scrape. Own code rather
/// than an exporter library: it is the only consumer, needs no SDK pipeline, and is NativeAOT-clean
/// (no reflection); docs/monitoring.md says why.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(Meter meter)
    {
        var samples = new List<(Instrument Instrument, string Labels, double Value)>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((i, v, tags, _) => samples.Add((i, Labels(tags), v)));
            listener.SetMeasurementEventCallback<int>((i, v, tags, _) => samples.Add((i, Labels(tags), v)));
            listener.SetMeasurementEventCallback<double>((i, v, tags, _) => samples.Add((i, Labels(tags), v)));
            listener.Start();
            listener.RecordObservableInstruments();
        }

        var text = new StringBuilder();
        foreach (var group in samples.GroupBy(s => s.Instrument))
        {
            Instrument instrument = group.Key;
            string name = NameOf(instrument);
            bool counter = instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal);
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(name).Append(counter ? " counter\n" : " gauge\n");
            foreach ((_, string labels, double value) in group)
            {
                text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>nats.in.bytes (By, counter) becomes natssharp_in_bytes_total: Prometheus's naming rules (unit suffix, _total).</summary>
    public static string NameOf(Instrument instrument)
    {
        string name = "natssharp_" + (instrument.Name.StartsWith("nats.", StringComparison.Ordinal) ? instrument.Name[5..] : instrument.Name).Replace('.', '_');
        if (instrument.Unit == "By" && !name.EndsWith("_bytes", StringComparison.Ordinal))
        {
            name += "_bytes";
        }

        return instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal) ? name + "_total" : name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var b = new StringBuilder("{");
        for (int i = 0; i < tags.Length; i++)
        {
            if (i > 0)
            {
                b.Append(',');
            }

            b.Append(tags[i].Key).Append("=\"");
            foreach (char c in tags[i].Value?.ToString() ?? "")
            {
                b.Append(c switch { '\\' => "\\\\", '"' => "\\\"", '\n' => "\\n", _ => c.ToString() });
            }

            b.Append('"');
        }

        return b.Append('}').ToString();
    }
}
