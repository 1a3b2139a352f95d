namespace NatsSharp.Server.Protocol;

internal enum ParseStatus
{
    /// <summary>Every complete command was handled; what is left (if anything) is a partial command.</summary>
    NeedMoreData,

    /// <summary>A handler returned false: the connection is closing.</summary>
    Stopped,

    /// <summary>A protocol error; see <see cref="ProtocolParser.Error"/>.</summary>
    Error,
}
