namespace NatsSharp.Load;

/// <summary>An expected run failure (timeout, server error, lost messages) reported without a stack trace.</summary>
internal sealed class LoadException : Exception
{
    public LoadException()
    {
    }

    public LoadException(string message)
        : base(message)
    {
    }

    public LoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
