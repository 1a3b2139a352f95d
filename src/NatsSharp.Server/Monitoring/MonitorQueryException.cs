namespace NatsSharp.Server.Monitoring;

/// <summary>A bad monitoring request; the message is nats-server's 400 body, word for word.</summary>
internal sealed class MonitorQueryException(string message) : Exception(message);
