namespace NatsSharp.Server.Configuration;

/// <summary>The value types the config language produces (Go: string, int64, float64, bool, time.Time, map, slice).</summary>
internal enum ConfigValueKind
{
    String,
    Integer,
    Float,
    Bool,
    DateTime,
    Map,
    Array,
}
