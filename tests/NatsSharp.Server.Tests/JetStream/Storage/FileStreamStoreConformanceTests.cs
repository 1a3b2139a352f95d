using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>The contract on the file store, with small blocks so most tests cross block boundaries.</summary>
public sealed class FileStreamStoreConformanceTests : StreamStoreConformanceTests
{
    private readonly TempDirectory _dir = new();
    private readonly List<StoreLoss> _losses = [];
    private StreamStoreLimits? _limits;

    internal override IStreamStore CreateStore(StreamStoreLimits? limits = null)
    {
        _limits = limits;
        return Track(new FileStreamStore(_dir.Path, limits, new FileStoreOptions(BlockSize: 256), _losses.Add));
    }

    internal override IStreamStore Reopen(IStreamStore store)
    {
        store.Dispose();
        var reopened = Track(new FileStreamStore(_dir.Path, _limits, new FileStoreOptions(BlockSize: 256), _losses.Add));
        Assert.Empty(_losses);
        return reopened;
    }

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}
