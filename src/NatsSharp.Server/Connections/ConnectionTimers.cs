namespace NatsSharp.Server.Connections;

/// <summary>
/// The clients' ping and authorization timers, all on one <see cref="Timer"/>: a binary heap of
/// connections ordered by their earliest deadline, the timer armed for the first one. A
/// <see cref="Timer"/> per connection cost three objects with a finalizer and three locked timer-queue
/// operations per connection (create, change at CONNECT, dispose at close): ~5% of the server's CPU in a
/// connection storm. Here a connection costs a heap slot, and is taken out of the heap when it closes.
/// Deadlines are <see cref="Environment.TickCount64"/> milliseconds.
/// </summary>
/// <remarks>
/// Threading: every field of a connection that this class keeps (its deadlines, heap index, stopped flag)
/// is read and written under <see cref="_lock"/> only. The callbacks run outside it, on the timer's
/// thread-pool thread, as a <see cref="Timer"/> callback did.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The timer is disarmed whenever the heap is empty, so nothing roots it past the last connection.")]
internal sealed class ConnectionTimers
{
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private ClientConnection[] _heap = new ClientConnection[64];
    private int _count;
    private long _armedFor = long.MaxValue;

    private const long MaxDelay = 0xfffffffe; // the longest a Timer takes (~49 days); it fires, finds nothing due and re-arms

    public ConnectionTimers()
    {
        _timer = new Timer(static s => ((ConnectionTimers)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Connections with a deadline (for tests and monitoring).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Sets (or, with <see cref="long.MaxValue"/>, clears) the connection's next PING.</summary>
    public void SetPing(ClientConnection c, long due)
    {
        lock (_lock)
        {
            c.TimerPingDue = due;
            Update(c);
        }
    }

    /// <summary>Sets (or, with <see cref="long.MaxValue"/>, clears) the connection's authorization deadline.</summary>
    public void SetAuth(ClientConnection c, long due)
    {
        lock (_lock)
        {
            c.TimerAuthDue = due;
            Update(c);
        }
    }

    /// <summary>The connection closed: its deadlines go, and none is set again.</summary>
    public void Stop(ClientConnection c)
    {
        lock (_lock)
        {
            c.TimersStopped = true;
            c.TimerPingDue = long.MaxValue;
            c.TimerAuthDue = long.MaxValue;
            Update(c);
        }
    }

    private static long Key(ClientConnection c) => Math.Min(c.TimerPingDue, c.TimerAuthDue);

    /// <summary>Puts the connection where its earliest deadline belongs (in, out or moved); under the lock.</summary>
    private void Update(ClientConnection c)
    {
        long key = c.TimersStopped ? long.MaxValue : Key(c);
        int i = c.TimerIndex;
        if (key == long.MaxValue)
        {
            if (i >= 0)
            {
                RemoveAt(i);
            }
        }
        else if (i < 0)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, _count * 2);
            }

            _heap[_count] = c;
            c.TimerIndex = _count++;
            SiftUp(c.TimerIndex);
        }
        else
        {
            SiftDown(SiftUp(i));
        }

        Arm();
    }

    private void RemoveAt(int i)
    {
        ClientConnection removed = _heap[i];
        removed.TimerIndex = -1;
        int last = --_count;
        if (i != last)
        {
            _heap[i] = _heap[last];
            _heap[i].TimerIndex = i;
            _heap[last] = null!;
            SiftDown(SiftUp(i));
        }
        else
        {
            _heap[last] = null!;
        }

        if (_count == 0 && _heap.Length > 1024)
        {
            _heap = new ClientConnection[64]; // the storm is over: its slots go back
        }
    }

    private int SiftUp(int i)
    {
        ClientConnection c = _heap[i];
        long key = Key(c);
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            ClientConnection p = _heap[parent];
            if (Key(p) <= key)
            {
                break;
            }

            _heap[i] = p;
            p.TimerIndex = i;
            i = parent;
        }

        _heap[i] = c;
        c.TimerIndex = i;
        return i;
    }

    private void SiftDown(int i)
    {
        ClientConnection c = _heap[i];
        long key = Key(c);
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && Key(_heap[child + 1]) < Key(_heap[child]))
            {
                child++;
            }

            ClientConnection ch = _heap[child];
            if (key <= Key(ch))
            {
                break;
            }

            _heap[i] = ch;
            ch.TimerIndex = i;
            i = child;
        }

        _heap[i] = c;
        c.TimerIndex = i;
    }

    /// <summary>Arms the timer for the earliest deadline when that moved earlier, or disarms it when none is left; under the lock.</summary>
    private void Arm()
    {
        if (_count == 0)
        {
            if (_armedFor != long.MaxValue)
            {
                _armedFor = long.MaxValue;
                _timer.Change(Timeout.Infinite, Timeout.Infinite);
            }

            return;
        }

        long first = Key(_heap[0]);
        if (first < _armedFor)
        {
            _armedFor = first;
            _timer.Change(Math.Clamp(first - Environment.TickCount64, 0, MaxDelay), Timeout.Infinite);
        }
    }

    private void Fire()
    {
        List<(ClientConnection Client, bool Auth, bool Ping)>? due = null;
        lock (_lock)
        {
            long now = Environment.TickCount64;
            _armedFor = long.MaxValue; // this firing is spent: Arm sets the next one
            while (_count > 0 && Key(_heap[0]) <= now)
            {
                ClientConnection c = _heap[0];
                bool auth = c.TimerAuthDue <= now;
                bool ping = c.TimerPingDue <= now;
                if (auth)
                {
                    c.TimerAuthDue = long.MaxValue;
                }

                if (ping)
                {
                    c.TimerPingDue = long.MaxValue; // the PING sets the next one
                }

                if (Key(c) == long.MaxValue)
                {
                    RemoveAt(0);
                }
                else
                {
                    SiftDown(0);
                }

                (due ??= []).Add((c, auth, ping));
            }

            Arm();
        }

        if (due is null)
        {
            return;
        }

        foreach ((ClientConnection c, bool auth, bool ping) in due)
        {
            c.OnTimersDue(auth, ping);
        }
    }
}
