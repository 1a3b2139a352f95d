using System.Buffers.Binary;
using System.Numerics;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// CRC-32C (Castagnoli) over a span: BitOperations.Crc32C uses the SSE4.2 / ARMv8 CRC instruction
/// when the CPU has it (8 bytes per instruction), a table otherwise. The framework has no
/// System.IO.Hashing, and this needs no package.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    public const uint Start = 0xFFFFFFFF;

    public static uint Finish(uint crc) => ~crc;

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
