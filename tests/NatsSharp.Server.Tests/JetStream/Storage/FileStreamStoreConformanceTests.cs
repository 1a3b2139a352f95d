using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>The contract on the file store, with small blocks so most tests cross block boundaries.</summary>
public sealed class FileStreamStoreConformanceTests : StreamStoreConformanceTests
{
    private readonly TempDirectory _dir = new();
    private readonly List<StoreLoss> _losses = [];
    internal override IStreamStore CreateStore(StreamStoreLimits? limits = null)
    {
        return Track(new FileStreamStore(_dir.Path, limits, new FileStoreOptions(BlockSize: 256), _losses.Add));
    }

    internal override IStreamStore Reopen(IStreamStore store)
    {
        // The stream layer reopens with the limits of its config, which are the last ones set.
        var limits = store.Limits;
        store.Dispose();
        var reopened = Track(new FileStreamStore(_dir.Path, limits, new FileStoreOptions(BlockSize: 256), _losses.Add));
        Assert.Empty(_losses);
        return reopened;
    }

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}
