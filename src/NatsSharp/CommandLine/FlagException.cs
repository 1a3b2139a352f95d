namespace NatsSharp.CommandLine;

internal sealed class FlagException : Exception
{
    public FlagException(string message, bool unknownFlag = false)
        : base(message)
    {
        UnknownFlag = unknownFlag;
    }

    /// <summary>nats-server answers an unknown flag with the usage text and exit code 0.</summary>
    public bool UnknownFlag { get; }
}
