using System.Numerics;

namespace NatsSharp.Server.Subjects;

/// <summary>
/// A counter bumped on every publish from many threads. One cell per processor, each on
/// its own cache lines, so cores do not fight over a single contended line.
/// </summary>
internal sealed class StripedCounter
{
    // 16 longs = 128 bytes: a cell never shares a line (or an adjacent-line prefetch pair) with another.
    private const int Stride = 16;

    private readonly long[] _cells;
    private readonly int _mask;

    public StripedCounter()
    {
        int cells = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 256));
        _mask = cells - 1;

        // A padding stride before the first and after the last cell keeps neighbours off them too.
        _cells = new long[(cells + 2) * Stride];
    }

    public void Increment() =>
        Interlocked.Increment(ref _cells[((Thread.GetCurrentProcessorId() & _mask) + 1) * Stride]);

    public void Add(long value) =>
        Interlocked.Add(ref _cells[((Thread.GetCurrentProcessorId() & _mask) + 1) * Stride], value);

    public long Value
    {
        get
        {
            long sum = 0;
            for (int i = 1; i <= _mask + 1; i++)
            {
                sum += Volatile.Read(ref _cells[i * Stride]);
            }

            return sum;
        }
    }
}
