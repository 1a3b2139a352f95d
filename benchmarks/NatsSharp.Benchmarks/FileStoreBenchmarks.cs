using BenchmarkDotNet.Attributes;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Benchmarks;

/// <summary>
/// The file store's hot paths: Append (a pwrite per message, no fsync) of 16 B and 1 KiB, and
/// loads by sequence and by filter from the cache. Append must allocate nothing per message once
/// the subject is known (a block roll allocates its cache, amortized over the block).
/// </summary>
[MemoryDiagnoser]
public class FileStoreBenchmarks : IDisposable
{
    private const int Batch = 1000;
    private string _dir = null!;
    private FileStreamStore _store = null!;
    private byte[] _payload = null!;

    [Params(16, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "natssharp-bench-" + Guid.NewGuid().ToString("N"));
        // max_bytes bounds the disk use across the run; whole 8 MiB blocks go at once.
        _store = new FileStreamStore(_dir, new StreamStoreLimits(MaxBytes: 256L * 1024 * 1024), new FileStoreOptions());
        _payload = new byte[Size];
        Random.Shared.NextBytes(_payload);
        for (int i = 0; i < 20_000; i++)
        {
            _store.Append("bench.orders", default, _payload);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Delete();

    public void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong Append()
    {
        ulong last = 0;
        for (int i = 0; i < Batch; i++)
        {
            last = _store.Append("bench.orders", default, _payload).Sequence;
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long LoadBySequence()
    {
        long total = 0;
        ulong first = _store.State.LastSequence - Batch;
        for (ulong seq = first; seq < first + Batch; seq++)
        {
            if (_store.TryLoad(seq, out var message))
            {
                total += message.Data.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long LoadNextFiltered()
    {
        long total = 0;
        ulong seq = _store.State.LastSequence - Batch;
        for (int i = 0; i < Batch && _store.TryLoadNext("bench.*", seq, out var message); i++)
        {
            total += message.Data.Length;
            seq = message.Sequence + 1;
        }

        return total;
    }
}
