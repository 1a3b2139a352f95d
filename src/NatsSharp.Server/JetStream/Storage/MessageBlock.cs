using Microsoft.Win32.SafeHandles;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>One append-only block file (msgs/&lt;number&gt;.blk) and what the index knows about it.</summary>
internal sealed class MessageBlock(int number, string path, SafeFileHandle handle) : IDisposable
{
    public int Number { get; } = number;

    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Bytes in the file (the next write offset).</summary>
    public int Size { get; set; }

    /// <summary>Bytes handed to the OS: [Written, Size) is in <see cref="Cache"/> only (group commit, the write block).</summary>
    public int Written { get; set; }

    public ulong FirstSequence { get; set; }

    public ulong LastSequence { get; set; }

    public ulong LiveMessages { get; set; }

    public ulong LiveBytes { get; set; }

    /// <summary>The file's bytes [0, Size) when cached (the write block always is); its length is the capacity.</summary>
    public byte[]? Cache { get; set; }

    /// <summary>Written since the last fsync.</summary>
    public bool Dirty { get; set; }

    public void Dispose() => Handle.Dispose();
}
