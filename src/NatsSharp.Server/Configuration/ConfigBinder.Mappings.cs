using System.Globalization;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// <c>mappings { }</c> (top level, or inside an account), as nats-server 2.9.10's parseAccountMappings
/// reads it, with its errors: <c>"src": "dest"</c>, <c>"src": {destination: d, weight: 50%}</c>,
/// <c>"src": [{destination: d1, weight: 40%, cluster: c}, ...]</c>.
/// </summary>
internal static partial class ConfigBinder
{
    private static List<SubjectMapping> BindMappings(ConfigValue value, List<string> errors)
    {
        var mappings = new List<SubjectMapping>();
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Map));
            return mappings;
        }

        foreach (var (subject, item) in value.AsMap.Entries)
        {
            if (!Subjects.SubjectRules.IsValidSubscribeSubject(System.Text.Encoding.UTF8.GetBytes(subject)))
            {
                errors.Add($"{value.Position}: Subject \"{subject}\" is not a valid subject");
                continue;
            }

            List<MappingDestination> destinations = [];
            ConfigValue last = item; // nats-server reports a failed add of a map or list at the last token it read
            switch (item.Kind)
            {
                case ConfigValueKind.String:
                    destinations.Add(new MappingDestination { Subject = item.AsString, Weight = 100 });
                    break;
                case ConfigValueKind.Array:
                    foreach (ConfigValue entry in item.AsArray)
                    {
                        last = entry;
                        if (BindMapDestination(entry, errors) is { } d)
                        {
                            destinations.Add(d);
                        }
                    }

                    break;
                default:
                    if (BindMapDestination(item, errors) is not { } single)
                    {
                        continue;
                    }

                    destinations.Add(single);
                    break;
            }

            var mapping = new SubjectMapping { Source = subject, Destinations = destinations };
            if (SubjectMapper.Validate(mapping) is { } error)
            {
                // nats-server formats this error with the destination as a string, which only a string is.
                errors.Add(item.Kind == ConfigValueKind.String
                    ? $"{item.Position}: Error adding mapping for \"{subject}\" to \"{item.AsString}\" : {error}"
                    : $"{last.Position}: interface conversion: interface {{}} is {item.GoTypeName}, not string");
                continue;
            }

            mappings.RemoveAll(m => m.Source == subject);
            mappings.Add(mapping);
        }

        return mappings;
    }

    // {destination: "bar.$1", weight: 40%, cluster: "east"}
    private static MappingDestination? BindMapDestination(ConfigValue value, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add($"{value.Position}: Expected an entry for the mapping destination");
            return null;
        }

        string subject = "";
        string cluster = "";
        int? weight = null;
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "dest" or "destination":
                    if (!TryType(item, ConfigValueKind.String, errors))
                    {
                        return null;
                    }

                    subject = item.AsString;
                    break;
                case "weight":
                    if (item.Kind == ConfigValueKind.String)
                    {
                        string text = item.AsString.EndsWith('%') ? item.AsString[..^1] : item.AsString;
                        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int w))
                        {
                            errors.Add($"{item.Position}: Invalid weight \"{text}\" for mapping destination");
                            return null;
                        }

                        weight = w;
                    }
                    else if (item.Kind == ConfigValueKind.Integer)
                    {
                        weight = (int)Math.Clamp(item.AsLong, int.MinValue, int.MaxValue);
                    }
                    else
                    {
                        errors.Add($"{item.Position}: Unknown entry type for weight of {item.ToGoString()}\n");
                        return null;
                    }

                    if (weight is > 100 or < 0)
                    {
                        errors.Add($"{item.Position}: Invalid weight {weight} for mapping destination");
                        return null;
                    }

                    break;
                case "cluster":
                    if (!TryType(item, ConfigValueKind.String, errors))
                    {
                        return null;
                    }

                    cluster = item.AsString;
                    break;
                default:
                    errors.Add($"{item.Position}: Unknown field \"{key}\" for mapping destination");
                    return null;
            }
        }

        if (weight is null)
        {
            errors.Add($"{value.Position}: Missing weight for mapping destination \"{subject}\"");
            return null;
        }

        return new MappingDestination { Subject = subject, Weight = weight.Value, Cluster = cluster };
    }
}
