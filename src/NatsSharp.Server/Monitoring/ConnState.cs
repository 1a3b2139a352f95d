namespace NatsSharp.Server.Monitoring;

/// <summary>/connz?state=.</summary>
internal enum ConnState
{
    Open,
    Closed,
    All,
}
