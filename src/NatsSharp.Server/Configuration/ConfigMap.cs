namespace NatsSharp.Server.Configuration;

/// <summary>
/// A block of <c>key: value</c> pairs. Keys are case-sensitive here (nats-server keeps their case;
/// the option mapper matches them case-insensitively). Order is the order of (last) definition,
/// which makes error lists deterministic where Go's map order is random.
/// </summary>
internal sealed class ConfigMap
{
    private readonly List<KeyValuePair<string, ConfigValue>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<string, ConfigValue>> Entries => _entries;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary>Sets a key; a redefinition replaces the earlier value (last one wins) and moves it last.</summary>
    public void Set(string key, ConfigValue value)
    {
        if (_index.TryGetValue(key, out int existing))
        {
            _entries.RemoveAt(existing);
            _index.Remove(key);
            for (int i = existing; i < _entries.Count; i++)
            {
                _index[_entries[i].Key] = i;
            }
        }
        _index[key] = _entries.Count;
        _entries.Add(new KeyValuePair<string, ConfigValue>(key, value));
    }

    /// <summary>Exact (case-sensitive) lookup, as variable references do.</summary>
    public bool TryGetValue(string key, out ConfigValue value)
    {
        if (_index.TryGetValue(key, out int i))
        {
            value = _entries[i].Value;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>
    /// Case-insensitive lookup of an option under any of <paramref name="names"/> (its aliases);
    /// if the block holds several spellings, the last one defined wins.
    /// </summary>
    public ConfigValue? Find(params string[] names)
    {
        ConfigValue? found = null;
        foreach (var entry in _entries)
        {
            foreach (string name in names)
            {
                if (string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = entry.Value;
                }
            }
        }
        return found;
    }
}
