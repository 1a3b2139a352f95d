namespace NatsSharp.Server;

/// <summary>A start-up failure, with nats-server's wording (the daemon prints it and exits 1).</summary>
public sealed class NatsServerException : Exception
{
    public NatsServerException(string message)
        : base(message)
    {
    }

    public NatsServerException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
