using System.Globalization;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// One parsed value with its type and source position. Scalars are <see cref="string"/>,
/// <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="System.DateTime"/> (UTC);
/// blocks are a <see cref="ConfigMap"/> and arrays an <see cref="IReadOnlyList{T}"/> of values.
/// </summary>
internal sealed class ConfigValue
{
    public ConfigValue(ConfigValueKind kind, object raw, ConfigPosition position)
    {
        Kind = kind;
        Raw = raw;
        Position = position;
    }

    public ConfigValueKind Kind { get; }

    public object Raw { get; }

    public ConfigPosition Position { get; }

    /// <summary>
    /// Set when a <c>$name</c> reference resolved to this value. nats-server exempts such keys from the
    /// unknown-field check (a top-level key that only exists to be a variable).
    /// </summary>
    public bool IsUsedVariable { get; set; }

    public string AsString => (string)Raw;

    public long AsLong => (long)Raw;

    public double AsDouble => (double)Raw;

    public bool AsBool => (bool)Raw;

    public DateTime AsDateTime => (DateTime)Raw;

    public ConfigMap AsMap => (ConfigMap)Raw;

    public IReadOnlyList<ConfigValue> AsArray => (IReadOnlyList<ConfigValue>)Raw;

    /// <summary>The Go type name nats-server prints in <c>interface conversion</c> errors.</summary>
    public string GoTypeName => GoTypeNameOf(Kind);

    public static string GoTypeNameOf(ConfigValueKind kind) => kind switch
    {
        ConfigValueKind.String => "string",
        ConfigValueKind.Integer => "int64",
        ConfigValueKind.Float => "float64",
        ConfigValueKind.Bool => "bool",
        ConfigValueKind.DateTime => "time.Time",
        ConfigValueKind.Map => "map[string]interface {}",
        ConfigValueKind.Array => "[]interface {}",
        _ => "interface {}",
    };

    /// <summary>A copy at another position (what a <c>$variable</c> reference produces).</summary>
    public ConfigValue WithPosition(ConfigPosition position) => new(Kind, Raw, position);

    /// <summary>Roughly Go's <c>%v</c>, for the few messages that print a value.</summary>
    public string ToGoString() => Kind switch
    {
        ConfigValueKind.String => AsString,
        ConfigValueKind.Integer => AsLong.ToString(CultureInfo.InvariantCulture),
        ConfigValueKind.Float => FormatFloat(AsDouble),
        ConfigValueKind.Bool => AsBool ? "true" : "false",
        ConfigValueKind.DateTime => AsDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC",
        ConfigValueKind.Map => "map[" + string.Join(" ", AsMap.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + ":" + e.Value.ToGoString())) + "]",
        ConfigValueKind.Array => "[" + string.Join(" ", AsArray.Select(v => v.ToGoString())) + "]",
        _ => Raw.ToString() ?? "",
    };

    public override string ToString() => ToGoString();

    private static string FormatFloat(double d)
    {
        // Go's %v for float64 is %g with the shortest representation, exponent when < 1e-4 or >= 1e21.
        double abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-4 || abs >= 1e21))
        {
            string s = d.ToString("E16", CultureInfo.InvariantCulture);
            string shortest = d.ToString("R", CultureInfo.InvariantCulture);
            if (shortest.Contains('E', StringComparison.Ordinal))
            {
                s = shortest;
            }
            int e = s.IndexOf('E', StringComparison.Ordinal);
            string mantissa = s[..e];
            int exponent = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            if (mantissa.Contains('.', StringComparison.Ordinal))
            {
                mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            }
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        return d.ToString("R", CultureInfo.InvariantCulture);
    }
}
