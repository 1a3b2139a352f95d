namespace NatsSharp.Server.Connections;

/// <summary>
/// One account's registered clients in a dense array (each knows its slot; a leaving client's slot takes the
/// last one): summing their counters reads one array and each client's counters, nothing else. Used under
/// <see cref="ClientRegistry"/>'s lock.
/// </summary>
internal sealed class AccountClients
{
    private ClientConnection[] _items = new ClientConnection[4];

    public int Count { get; private set; }

    public void Add(ClientConnection client)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        client.AccountSlot = Count;
        _items[Count++] = client;
    }

    public void Remove(ClientConnection client)
    {
        int slot = client.AccountSlot;
        if ((uint)slot >= (uint)Count || !ReferenceEquals(_items[slot], client))
        {
            return;
        }

        ClientConnection last = _items[--Count];
        _items[slot] = last;
        last.AccountSlot = slot;
        _items[Count] = null!;
        client.AccountSlot = -1;
        if (Count > 64 && Count < _items.Length / 4)
        {
            Array.Resize(ref _items, _items.Length / 2); // a storm's array is given back once it has gone
        }
    }

    /// <summary>The clients' count and the sum of their counters.</summary>
    public AccountTraffic Traffic()
    {
        long inMsgs = 0, inBytes = 0, outMsgs = 0, outBytes = 0;
        ClientConnection[] items = _items;
        for (int i = 0; i < Count; i++)
        {
            ClientConnection c = items[i];
            inMsgs += Volatile.Read(ref c.InMsgs);
            inBytes += Volatile.Read(ref c.InBytes);
            outMsgs += Volatile.Read(ref c.OutMsgs);
            outBytes += Volatile.Read(ref c.OutBytes);
        }

        return new AccountTraffic(Count, inMsgs, inBytes, outMsgs, outBytes);
    }
}
