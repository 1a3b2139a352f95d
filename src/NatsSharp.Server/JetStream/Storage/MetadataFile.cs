using System.Buffers.Binary;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// A small file written whole and atomically (temp file, fsync, rename), framed by a checksum:
/// a reader sees the old content or the new one, never a mix; a damaged file reads as absent.
/// Layout: "NSM1" magic, u32 length, u32 CRC-32C of the content, the content.
/// </summary>
internal static class MetadataFile
{
    private const int HeaderSize = 12;

    private static ReadOnlySpan<byte> Magic => "NSM1"u8;

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var buffer = new byte[HeaderSize + content.Length];
        Magic.CopyTo(buffer);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), content.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), Crc32C.Compute(content));
        content.CopyTo(buffer.AsSpan(HeaderSize));

        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(buffer);
            // The rename must not reach the disk before the content does.
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static byte[]? Read(string path)
    {
        byte[] buffer;
        try
        {
            buffer = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        if (buffer.Length < HeaderSize || !buffer.AsSpan(0, 4).SequenceEqual(Magic))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(4));
        if (length < 0 || length != buffer.Length - HeaderSize)
        {
            return null;
        }

        var content = buffer.AsSpan(HeaderSize);
        return Crc32C.Compute(content) == BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(8)) ? content.ToArray() : null;
    }
}
